export { PromotionRequestsPage } from './PromotionRequestsPage';
export { PromotionRequestTable } from './PromotionRequestTable';
