// Asks for the workflow's open ${params} (defaults filled) and submits with strict checking on;
// refusals come back as problems and are shown next to the field they name.
import { useEffect, useRef, useState } from "react";
import { ApiError, post, type Problem } from "../api";
import { useCatalogue } from "../catalogue";
import { openParams, type Schema } from "../model";

interface Props {
  title: string;
  schema: Schema;
  initialInput?: Record<string, Record<string, any>>;
  submit: (input: Record<string, Record<string, string>>) => Promise<number>;
  onDone: (jobId: number) => void;
  onClose: () => void;
}

export function RunDialog({ title, schema, initialInput, submit, onDone, onClose }: Props) {
  const catalogue = useCatalogue();
  const params = openParams(schema, catalogue);
  const ref = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const p of params) v[`${p.task.id}.${p.name}`] = initialInput?.[p.task.id]?.[p.name] !== undefined ? String(initialInput[p.task.id][p.name]) : p.default;
    return v;
  });
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => { ref.current?.showModal(); }, []);

  const problemFor = (task: string, name: string) =>
    problems.filter((p) => p.task === task && (p.field.endsWith(`.${name}`) || p.reason.includes(`\${${name}}`))).map((p) => p.reason).join("; ");
  const shown = new Set(params.flatMap((p) => problems.filter((q) => problemFor(p.task.id, p.name).includes(q.reason))));
  const rest = problems.filter((p) => !shown.has(p));

  async function run(e: React.FormEvent) {
    e.preventDefault();
    const input: Record<string, Record<string, string>> = {};
    for (const p of params) {
      const v = values[`${p.task.id}.${p.name}`];
      if (v !== "" && v !== undefined) (input[p.task.id] ??= {})[p.name] = v;
    }
    setBusy(true);
    setProblems([]);
    setError("");
    try {
      onDone(await submit(input));
    } catch (err) {
      if (err instanceof ApiError) { setProblems(err.problems); setError(err.message); } else setError(String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="run-title">
      <form onSubmit={run}>
        <h2 id="run-title">{title}</h2>
        {params.length === 0 && <p className="muted">This workflow has no open parameters.</p>}
        {params.map((p) => {
          const key = `${p.task.id}.${p.name}`;
          const problem = problemFor(p.task.id, p.name);
          return (
            <label className="field" key={key}>
              <span>{p.task.name || p.task.id} · ${"{"}{p.name}{"}"}</span>
              {p.kind === "boolean" ? (
                <select name={p.name} value={values[key]} aria-invalid={problem ? true : undefined} onChange={(e) => setValues({ ...values, [key]: e.target.value })}>
                  <option value="">{p.default ? `(default: ${p.default})` : "(choose)"}</option>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input name={p.name} type={p.kind === "number" ? "number" : "text"} step="any" value={values[key]} placeholder={p.default || "required"} aria-invalid={problem ? true : undefined} onChange={(e) => setValues({ ...values, [key]: e.target.value })} />
              )}
              {problem && <span className="error" role="alert">{problem}</span>}
            </label>
          );
        })}
        {error && <p className="error" role="alert">{error}</p>}
        {rest.map((p, i) => <p className="error" key={i}>{p.task ? `${p.task}: ` : ""}{p.field}: {p.reason}</p>)}
        <div className="row">
          <button className="primary" type="submit" disabled={busy}>Run</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </dialog>
  );
}

/** A new job of a saved workflow, with strict checking of the input. */
export async function addJob(workflowId: string | number, input: Record<string, Record<string, string>>): Promise<number> {
  const { id } = await post(`/workflows/${workflowId}/jobs`, { input, strict: true });
  return id;
}
