/** The catalog annotation that says which workflow families an entity owns: comma-separated names. */
export const DIACHRONIC_WORKFLOWS_ANNOTATION = 'diachronic.dev/workflows';

/** Backstage's GitHub annotation (`owner/repo`); the webhook maps a repository to its entities with it. */
export const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** The part of a catalog entity the annotation parser reads (an `Entity` from catalog-model will do). */
export interface AnnotatedEntity {
  metadata: { annotations?: Record<string, string> };
}

/**
 * The families an entity owns, in annotation order, trimmed and without duplicates; empty when the
 * annotation is missing or blank. Names are not validated here: the backend reports invalid ones.
 */
export function familiesOf(entity: AnnotatedEntity): string[] {
  const value = entity.metadata.annotations?.[DIACHRONIC_WORKFLOWS_ANNOTATION] ?? '';
  const families = value
    .split(',')
    .map(name => name.trim())
    .filter(name => name.length > 0);
  return [...new Set(families)];
}
