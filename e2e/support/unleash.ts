/** What Unleash holds about a version's flag, read through its admin API. */
export interface FlagState {
  name: string;
  archived: boolean;
}

export async function findVersionFlag(
  env: Record<string, string>,
  family: string,
  versionId: string,
): Promise<FlagState | undefined> {
  for (const archived of [false, true]) {
    const params = new URLSearchParams({
      query: `diachronic.${family}.v`,
      project: 'IS:default',
      limit: '100',
      ...(archived && { lifecycle: 'IS:archived' }),
    });
    const response = await fetch(`${env.UNLEASH_URL}/api/admin/search/features?${params}`, {
      headers: { Authorization: env.UNLEASH_ADMIN_TOKEN },
    });
    if (!response.ok) throw new Error(`Unleash feature search answered ${response.status}`);
    const { features } = (await response.json()) as {
      features: { name: string }[];
    };
    const flag = features.find(feature => feature.name.endsWith(`.${versionId}`));
    if (flag) return { name: flag.name, archived };
  }
  return undefined;
}
