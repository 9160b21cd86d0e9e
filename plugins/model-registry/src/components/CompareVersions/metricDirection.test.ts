import { bestValue, lowerIsBetter } from './metricDirection';

describe('lowerIsBetter', () => {
  it.each([
    'loss',
    'reconstruction_loss',
    'val_loss',
    'valLoss',
    'error_rate',
    'p99_latency_ms',
    'test-rmse',
    'mae',
    'MSE',
    'perplexity',
    'fpr',
    'inference_time',
  ])('%s: lower is better', name => expect(lowerIsBetter(name)).toBe(true));

  it.each([
    'auc',
    'accuracy',
    'f1',
    'recall',
    'precision@5',
    'recall_at_1pct_fpr',
    'sts_spearman',
    'throughput',
    'lossless_ratio',
    'maeve_score',
  ])('%s: higher is better', name => expect(lowerIsBetter(name)).toBe(false));
});

describe('bestValue', () => {
  it('takes the highest value of a higher-is-better metric', () => {
    expect(bestValue('auc', [0.91, 0.95, undefined, 0.93])).toBe(0.95);
  });

  it('takes the lowest value of a lower-is-better metric', () => {
    expect(bestValue('val_loss', [0.4, 0.31, 0.35])).toBe(0.31);
  });

  it('marks nothing when fewer than two versions have the metric or all are equal', () => {
    expect(bestValue('auc', [0.9, undefined])).toBeUndefined();
    expect(bestValue('auc', [0.9, 0.9, 0.9])).toBeUndefined();
  });
});
