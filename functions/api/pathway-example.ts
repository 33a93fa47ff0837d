/**
 * A pathway rule for the API reference: the example of a pathway request body (which loads
 * with the routes) and of the saved pathway in response-schemas.ts (which loads only with the
 * OpenAPI document).
 */

/** A pathway rule (credstack-pathway/1), as saved. */
export const PATHWAY_EXAMPLE = {
  format: 'credstack-pathway/1',
  id: 'data-analyst-foundations',
  version: 1,
  name: 'Data Analyst Foundations',
  policy: { onLapse: 'suspend' },
  root: {
    allOf: [
      { label: 'sql', achievement: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41' },
      {
        label: 'analysis',
        nOf: {
          n: 2,
          of: [
            { achievement: '3a9e1c5b-7d2f-4e8a-b6c4-1f0e9d8c7b6a', within: 'P2Y' },
            { achievement: '6d4c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d', within: 'P2Y' },
            { achievement: '9f8e7d6c-5b4a-4321-8fed-cba987654321', within: 'P2Y' },
          ],
        },
      },
      {
        label: 'electives',
        credits: {
          atLeast: 6,
          of: { anyOf: [{ skill: { framework: 'O*NET-SOC', code: '15-2051.00' } }] },
        },
      },
    ],
  },
};
