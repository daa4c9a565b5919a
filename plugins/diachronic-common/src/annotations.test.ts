import { AnnotatedEntity, DIACHRONIC_WORKFLOWS_ANNOTATION, familiesOf } from './annotations';

const entity = (value?: string): AnnotatedEntity => ({
  metadata: { annotations: value === undefined ? {} : { [DIACHRONIC_WORKFLOWS_ANNOTATION]: value } },
});

describe('familiesOf', () => {
  it('reads comma-separated names, trimmed, in order, without duplicates', () => {
    expect(familiesOf(entity(' order , billing-v2.events,order,, '))).toEqual(['order', 'billing-v2.events']);
  });

  it('is empty without the annotation', () => {
    expect(familiesOf(entity())).toEqual([]);
    expect(familiesOf(entity('  '))).toEqual([]);
    expect(familiesOf({ metadata: {} })).toEqual([]);
  });
});
