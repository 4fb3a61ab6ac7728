// Text fields. Unlike other controls, a focused field turns its border to the ring colour and gets a
// soft ring (the base outline, at 40%), so the text being typed stays the strongest thing.

const box = 'rounded-md border border-border-strong bg-field';

/** An <input> that is its own box. */
export const fieldClass = `${box} focus-visible:border-ring focus-visible:outline-ring/40`;

/** A box holding an input and its adornment (a fixed prefix): the box shows the focus. */
export const fieldGroupClass = `${box} focus-within:border-ring focus-within:outline-2 focus-within:outline-ring/40`;

/** A field where people type names (hosts, repositories, references): no autofill, capitals or spelling fixes. */
export const nameInputProps = { autoComplete: 'off', autoCapitalize: 'none', spellCheck: false } as const;
