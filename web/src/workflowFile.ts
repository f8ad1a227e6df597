// Explorer workflow JSON as files: what the console exports and what it accepts on import.

export interface WorkflowFile {
  name: string;
  schema: any;
}

/** Accepts an Explorer export ({name, schema}), an API detail envelope, or a bare schema ({tasks, deps}). */
export function parseWorkflowFile(text: string, fallbackName: string): WorkflowFile {
  let doc: any = JSON.parse(text);
  if (doc && typeof doc === "object" && "code" in doc && "data" in doc) doc = doc.data;
  if (doc && typeof doc.schema === "string") doc = { ...doc, schema: JSON.parse(doc.schema) };
  if (doc && doc.schema && typeof doc.schema === "object") return { name: doc.name || fallbackName, schema: doc.schema };
  if (doc && Array.isArray(doc.tasks)) return { name: fallbackName, schema: doc };
  throw new Error("not an Explorer workflow: expected {name, schema} or a schema with tasks");
}

export function saveJson(filename: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
