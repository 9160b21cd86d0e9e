import { InputError } from '@backstage/errors';
import {
  formatMLModelValidationIssues,
  MLModelValidationIssue,
} from '@model-registry/plugin-model-registry-common';

/** A 400 naming every field of the validation issues, if there are any. */
export function failOnIssues(issues: MLModelValidationIssue[]) {
  if (issues.length) {
    throw new InputError(formatMLModelValidationIssues(issues));
  }
}
