import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import { readModelNamingRule } from '@model-registry/plugin-model-registry-common';
import TextField from '@material-ui/core/TextField';

/**
 * The scaffolder form field for a new model's name: a text field that checks the naming
 * rule of app-config (`modelRegistry.naming`) as you type, and explains the rule.
 */
export function ModelNamePicker(props: FieldExtensionComponentProps<string>) {
  const {
    onChange,
    required,
    disabled,
    rawErrors,
    formData,
    schema,
    idSchema,
  } = props;
  const rule = readModelNamingRule(useApi(configApiRef));
  const value = formData ?? '';
  const problem = value ? rule.check(value) : undefined;
  const errors = rawErrors?.length ? rawErrors : [];
  return (
    <TextField
      id={idSchema?.$id ?? 'model-name'}
      label={schema.title ?? 'Name'}
      placeholder="fraud-scorer"
      required={required}
      disabled={disabled}
      value={value}
      // An emptied field is no value, so that the form's required check catches it.
      onChange={event => onChange(event.target.value.trim() || undefined)}
      error={Boolean(problem) || errors.length > 0}
      helperText={
        problem ??
        errors[0] ??
        `${schema.description ? `${schema.description} ` : ''}Naming rule: ${
          rule.description
        }.`
      }
      margin="normal"
      fullWidth
      inputProps={{
        'aria-describedby': `${idSchema?.$id ?? 'model-name'}-help`,
      }}
      FormHelperTextProps={{ id: `${idSchema?.$id ?? 'model-name'}-help` }}
    />
  );
}

/** Blocks the form step while the name breaks the naming rule. */
export const validateModelName: CustomFieldValidator<string> = (
  value,
  validation,
  context,
) => {
  if (!value) return;
  const rule = readModelNamingRule(context.apiHolder.get(configApiRef)!);
  const problem = rule.check(value);
  if (problem) validation.addError(problem);
};
