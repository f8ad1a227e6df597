import { useEffect, useState } from "react";

interface Toast { id: number; text: string; bad: boolean }
let next = 1;

/** Show a short message at the bottom right (errors stay longer). */
export function toast(text: string, bad = false): void {
  window.dispatchEvent(new CustomEvent("graphmill:toast", { detail: { id: next++, text, bad } }));
}

export function Toasts() {
  const [items, setItems] = useState<Toast[]>([]);
  useEffect(() => {
    const add = (e: Event) => {
      const t = (e as CustomEvent<Toast>).detail;
      setItems((xs) => [...xs, t]);
      setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== t.id)), t.bad ? 8000 : 3000);
    };
    window.addEventListener("graphmill:toast", add);
    return () => window.removeEventListener("graphmill:toast", add);
  }, []);
  return (
    <div role="status" aria-live="polite">
      {items.map((t, i) => (
        <div key={t.id} className={`toast${t.bad ? " bad" : ""}`} style={{ bottom: `${1 + i * 3.2}rem` }}>{t.text}</div>
      ))}
    </div>
  );
}
