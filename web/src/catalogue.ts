// The algorithm catalogue and the graph spaces, fetched once per page load and shared.
import { useEffect, useState } from "react";
import { get } from "./api";
import type { Algorithm } from "./model";
import type { Space } from "./components/Inspector";

let algorithms: Promise<Algorithm[]> | null = null;
export function loadCatalogue(): Promise<Algorithm[]> {
  algorithms ??= get<Algorithm[] | { items: Algorithm[] }>("/algorithms").then((d) => (Array.isArray(d) ? d : d.items));
  algorithms.catch(() => { algorithms = null; });
  return algorithms;
}

export function useCatalogue(): Map<string, Algorithm> {
  const [map, setMap] = useState(new Map<string, Algorithm>());
  useEffect(() => { loadCatalogue().then((list) => setMap(new Map(list.map((a) => [a.type, a])))).catch(() => undefined); }, []);
  return map;
}

export function useSpaces(): Space[] {
  const [spaces, setSpaces] = useState<Space[]>([]);
  useEffect(() => { get<{ items: Space[] }>("/spaces").then((d) => setSpaces(d.items)).catch(() => undefined); }, []);
  return spaces;
}
