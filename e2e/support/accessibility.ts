/** The accessibility check of a page's Diachronic content, with axe-core in the real browser. */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The page's main landmark: the entity's header and tabs, and Diachronic's content; the sidebar is the app's. */
const CONTENT = 'main';

/**
 * Fails with each serious or critical axe violation in the page's content (rule, impact, the elements),
 * against WCAG 2.1 A and AA.
 */
export async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  await expect(page.locator(CONTENT).first()).toBeVisible();
  const results = await new AxeBuilder({ page }).include(CONTENT).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .map(violation => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      elements: violation.nodes.slice(0, 5).map(node => node.target.join(' ')),
    }));
  expect(serious, `serious or critical accessibility violations in ${what}`).toEqual([]);
}
