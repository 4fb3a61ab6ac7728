/** The label of a control that stands on the same line as it ("Filter", "Sort", "Namespace"). */
export function InlineLabel({ htmlFor, children }: { htmlFor: string; children: React.ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="text-sm font-medium text-fg-soft">
      {children}
    </label>
  );
}
