// json-logic-js 2.0.5 ships no types; only what the pathway benchmark calls.
declare module 'json-logic-js' {
  const jsonLogic: {
    apply(logic: unknown, data?: unknown): unknown;
    truthy(value: unknown): boolean;
  };
  export default jsonLogic;
}
