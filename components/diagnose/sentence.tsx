/** A step's sentence, its `quoted` parts (scopes, names) set as code; an unpaired backtick stays text. */
export function Sentence({ text }: { text: string }) {
  const parts = text.split('`');
  if (parts.length % 2 === 0) parts.splice(-2, 2, `${parts.at(-2) ?? ''}\`${parts.at(-1) ?? ''}`);
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <code key={index} className="rounded bg-chip px-1 font-mono text-[0.9em] [overflow-wrap:anywhere]">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}
