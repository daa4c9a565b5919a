/** The parts of Unleash's admin API responses that Diachronic reads (Unleash 8). */

export interface FeatureStrategy {
  id: string;
  title?: string | null;
  disabled?: boolean | null;
  parameters?: Record<string, string>;
}

export interface FeatureDetails {
  name: string;
  description?: string | null;
  environments: Array<{ name: string; enabled: boolean; strategies: FeatureStrategy[] }>;
}

export interface FeatureSearchPage {
  features: Array<{ name: string; description?: string | null }>;
}

/** An entry of the event log (`/api/admin/search/events`) of type `feature-strategy-update`. */
export interface StrategyUpdateEvent {
  /** Rises with every event Unleash records. */
  id: number;
  createdBy: string;
  createdAt: string;
  data: FeatureStrategy | null;
  preData: FeatureStrategy | null;
}

/** Admin API pages hold at most this many items. */
export const PAGE_SIZE = 100;
