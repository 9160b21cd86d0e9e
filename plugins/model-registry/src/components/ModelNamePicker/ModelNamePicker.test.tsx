import { ConfigReader } from '@backstage/config';
import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { renderWithRegistry } from '../../testing/renderWithRegistry';
import { ModelNamePicker, validateModelName } from './ModelNamePicker';

const appConfig = {
  modelRegistry: {
    naming: {
      pattern: '^ml-[a-z]+(-[a-z]+)*$',
      description: '"ml-" and lower-case words joined by hyphens',
    },
  },
};
const config = new ConfigReader(appConfig);

function Field(props: { onChange: (value: string | undefined) => void }) {
  const [value, setValue] = useState<string | undefined>();
  return (
    <ModelNamePicker
      {...({} as any)}
      schema={{ title: 'Name', description: 'The model name.' }}
      idSchema={{ $id: 'root_name' } as any}
      required
      formData={value}
      onChange={(v: string | undefined) => {
        setValue(v);
        props.onChange(v);
      }}
    />
  );
}

describe('ModelNamePicker', () => {
  it('shows the configured naming rule and flags a name that breaks it as you type', async () => {
    const onChange = jest.fn();
    await renderWithRegistry(<Field onChange={onChange} />, {
      config: appConfig,
    });
    expect(
      screen.getByText(
        'The model name. Naming rule: "ml-" and lower-case words joined by hyphens.',
      ),
    ).toBeInTheDocument();
    const input = screen.getByRole('textbox', { name: /Name/ });
    fireEvent.change(input, { target: { value: 'Fraud_Scorer' } });
    expect(onChange).toHaveBeenLastCalledWith('Fraud_Scorer');
    expect(
      screen.getByText(
        '"Fraud_Scorer" does not follow the model naming rule: "ml-" and lower-case words joined by hyphens',
      ),
    ).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');

    fireEvent.change(input, { target: { value: 'ml-fraud-scorer' } });
    expect(input).toHaveAttribute('aria-invalid', 'false');

    // an emptied field is no value at all (the form's required check then applies)
    fireEvent.change(input, { target: { value: '   ' } });
    expect(onChange).toHaveBeenLastCalledWith(undefined);
  });

  it('blocks the form step with the rule of app-config', () => {
    const addError = jest.fn();
    const context = { apiHolder: { get: () => config } } as any;
    validateModelName('fraud-scorer', { addError } as any, context);
    expect(addError).toHaveBeenCalledWith(
      '"fraud-scorer" does not follow the model naming rule: "ml-" and lower-case words joined by hyphens',
    );
    addError.mockClear();
    validateModelName('ml-fraud', { addError } as any, context);
    expect(addError).not.toHaveBeenCalled();
  });
});
