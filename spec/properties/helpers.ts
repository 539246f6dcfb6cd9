/** Shared fixed seed of the properties and testing specs (reproducible fast-check runs). */
export const FC_SEED = 42;
