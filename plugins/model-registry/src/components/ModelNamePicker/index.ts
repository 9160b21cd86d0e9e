export { ModelNamePicker, validateModelName } from './ModelNamePicker';
