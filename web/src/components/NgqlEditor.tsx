// The nebula_ngql query editor: CodeMirror 6 with an nGQL dialect of its SQL mode for highlighting,
// and the server's problems (from save) shown inline as lint diagnostics at the line/column they name.
import { useEffect, useRef } from "react";
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { sql, SQLDialect } from "@codemirror/lang-sql";
import { setDiagnostics, type Diagnostic } from "@codemirror/lint";

const NGQL = SQLDialect.define({
  keywords:
    "match optional return with where order by limit skip unwind distinct as and or not xor in contains starts ends is null true false " +
    "go from over to steps reversely bidirect yield fetch prop on lookup sample upto step steps case when then else end exists " +
    "count collect sum avg min max id src dst type rank properties tags labels size",
  types: "string int int64 double float bool date datetime timestamp",
  builtin: "id src dst type rank properties tags labels size abs floor ceil round sqrt pow lower upper trim length substr tostring tointeger tofloat",
  operatorChars: "*+-%<>!=&|^~/$",
  identifierQuotes: "`",
});

function position(text: string, reason: string): { from: number; to: number } {
  const m = /line (\d+), column (\d+)/.exec(reason);
  if (!m) return { from: 0, to: text.length };
  const lines = text.split("\n");
  const line = Math.min(Number(m[1]), lines.length) - 1;
  let from = 0;
  for (let i = 0; i < line; i++) from += lines[i].length + 1;
  from += Math.max(0, Number(m[2]) - 1);
  const to = Math.min(text.length, from + Math.max(1, (/^\S+/.exec(text.slice(from))?.[0].length ?? 1)));
  return { from: Math.min(from, text.length), to };
}

export default function NgqlEditor({ value, problems, onChange, label }: { value: string; problems: string[]; onChange: (v: string) => void; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          sql({ dialect: NGQL, upperCaseKeywords: true }),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((u) => { if (u.docChanged) changed.current(u.state.doc.toString()); }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const text = v.state.doc.toString();
    const diagnostics: Diagnostic[] = problems.map((reason) => ({ ...position(text, reason), severity: "error", message: reason }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [problems]);

  return <div ref={host} data-testid="ngql-editor" />;
}
