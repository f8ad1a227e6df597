// A parameter form generated from an algorithm's JSON Schema (GET /algorithms): types, defaults,
// ranges, choices and help text. Values are kept as Explorer keeps them in `spec`: strings.
export interface SchemaFormProps {
  schema: { properties: Record<string, any>; required?: string[] };
  values: Record<string, any>;
  problems: Map<string, string>;
  idPrefix: string;
  onChange: (name: string, value: string | undefined) => void;
}

function types(prop: any): string[] {
  return Array.isArray(prop.type) ? prop.type : [prop.type];
}

function range(prop: any): { min?: number; max?: number; exclusive?: boolean } {
  const r = (prop.anyOf ?? []).find((a: any) => !("const" in a)) ?? prop;
  return { min: r.minimum ?? r.exclusiveMinimum, max: r.maximum, exclusive: r.exclusiveMinimum !== undefined };
}

function hint(prop: any, required: boolean): string {
  const { min, max, exclusive } = range(prop);
  const parts: string[] = [];
  if (min !== undefined || max !== undefined) parts.push(`${min ?? "−∞"} ${exclusive ? "<" : "≤"} value ≤ ${max ?? "∞"}`);
  const special = (prop.anyOf ?? []).filter((a: any) => "const" in a).map((a: any) => a.const);
  if (special.length) parts.push(`or ${special.join(", ")}`);
  if (prop.default !== undefined) parts.push(`default ${prop.default}`);
  if (required) parts.push("required");
  return parts.join(" · ");
}

export function SchemaForm({ schema, values, problems, idPrefix, onChange }: SchemaFormProps) {
  const required = new Set(schema.required ?? []);
  return (
    <div>
      {Object.entries(schema.properties).map(([name, prop]) => {
        const id = `${idPrefix}-${name}`;
        const problem = problems.get(`spec.${name}`) ?? problems.get(name);
        const value = values[name] === undefined ? "" : String(values[name]);
        const t = types(prop);
        const common = { id, "aria-invalid": problem ? true : undefined, "aria-describedby": `${id}-help` } as const;
        let input;
        if (prop.enum) {
          input = (
            <select {...common} value={value} onChange={(e) => onChange(name, e.target.value || undefined)}>
              {!required.has(name) && <option value="">(default)</option>}
              {prop.enum.map((c: any) => <option key={String(c)} value={String(c)}>{String(c)}</option>)}
            </select>
          );
        } else if (t.includes("boolean")) {
          input = (
            <select {...common} value={value} onChange={(e) => onChange(name, e.target.value || undefined)}>
              <option value="">(default{prop.default !== undefined ? `: ${prop.default}` : ""})</option>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          );
        } else {
          const { min, max } = range(prop);
          const numeric = t.length === 1 && (t[0] === "integer" || t[0] === "number");
          input = (
            <input
              {...common}
              type="text"
              inputMode={numeric ? "decimal" : undefined}
              placeholder={prop.default !== undefined ? String(prop.default) : ""}
              value={value}
              data-min={min}
              data-max={max}
              onChange={(e) => onChange(name, e.target.value === "" ? undefined : e.target.value)}
            />
          );
        }
        return (
          <div className="field" key={name}>
            <label htmlFor={id}><span>{name}{required.has(name) ? " *" : ""}</span></label>
            {input}
            <div className="help" id={`${id}-help`}>
              {prop.description && <div>{prop.description}</div>}
              <div>{hint(prop, required.has(name))}</div>
            </div>
            {problem && <div className="error" role="alert">{problem}</div>}
          </div>
        );
      })}
    </div>
  );
}
