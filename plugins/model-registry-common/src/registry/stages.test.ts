import { ConfigReader } from '@backstage/config';
import { approvalRuleOf, readStageRules } from './stages';

const read = (stages: object) =>
  readStageRules(new ConfigReader({ modelRegistry: { stages } }));

describe('readStageRules approvals', () => {
  it('reads approval rules per stage, with defaults', () => {
    const rules = read({
      approvals: {
        production: {
          required: 2,
          expiresAfterHours: 72,
          directPromotion: 'break-glass',
        },
        staging: {
          required: 1,
          allowSelfApproval: true,
          notify: ['group:default/risk-approvers'],
        },
      },
    });
    expect(approvalRuleOf(rules, 'production')).toEqual({
      required: 2,
      allowSelfApproval: false,
      expiresAfterHours: 72,
      directPromotion: 'break-glass',
      notify: [],
    });
    expect(approvalRuleOf(rules, 'staging')).toEqual({
      required: 1,
      allowSelfApproval: true,
      directPromotion: 'never',
      notify: ['group:default/risk-approvers'],
    });
    expect(approvalRuleOf(rules, 'archived')).toBeUndefined();
    expect(approvalRuleOf(read({}), 'production')).toBeUndefined();
  });

  it('takes required 0 as no approvals (an override turning them off)', () => {
    const rules = read({
      approvals: { production: { required: 0 }, staging: { required: 1 } },
    });
    expect(approvalRuleOf(rules, 'production')).toBeUndefined();
    expect(approvalRuleOf(rules, 'staging')).toMatchObject({ required: 1 });
  });

  it.each([
    [{ canary: { required: 1 } }, 'approvals.canary names "canary"'],
    [
      { none: { required: 1 } },
      'approvals.none: the initial and the archived stage',
    ],
    [
      { archived: { required: 1 } },
      'approvals.archived: the initial and the archived stage',
    ],
    [
      { production: { required: -1 } },
      'approvals.production.required must be an integer from 1 to 10',
    ],
    [{ production: { required: 1.5 } }, 'approvals.production.required'],
    [
      { production: { required: 1, expiresAfterHours: -1 } },
      'expiresAfterHours must be a positive number',
    ],
    [
      { production: { required: 1, directPromotion: 'always' } },
      'directPromotion must be "never" or "break-glass"',
    ],
    [
      { production: { required: 1, notify: ['not a ref'] } },
      'approvals.production.notify: "not a ref" is not an entity ref',
    ],
  ])('refuses %j naming the key', (approvals, message) => {
    expect(() => read({ approvals })).toThrow(message);
  });
});
