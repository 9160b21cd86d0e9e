export { ComponentModelsCard } from './ComponentModelsCard';
