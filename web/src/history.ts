// Undo/redo over immutable snapshots of the edited schema.
import { useCallback, useState } from "react";

export interface History<T> {
  value: T;
  set: (next: T) => void;
  reset: (value: T) => void;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
}

const LIMIT = 200;

export function useHistory<T>(initial: T): History<T> {
  const [state, setState] = useState({ past: [] as T[], value: initial, future: [] as T[] });
  const set = useCallback((next: T) => setState((s) => ({ past: [...s.past, s.value].slice(-LIMIT), value: next, future: [] })), []);
  const reset = useCallback((value: T) => setState({ past: [], value, future: [] }), []);
  const undo = useCallback(() => setState((s) => (s.past.length ? { past: s.past.slice(0, -1), value: s.past[s.past.length - 1], future: [s.value, ...s.future] } : s)), []);
  const redo = useCallback(() => setState((s) => (s.future.length ? { past: [...s.past, s.value], value: s.future[0], future: s.future.slice(1) } : s)), []);
  return { value: state.value, set, reset, undo, redo, canUndo: state.past.length > 0, canRedo: state.future.length > 0 };
}
