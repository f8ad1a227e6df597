import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";
import { logout } from "./api";
import { match, navigate, usePath } from "./router";
import { Toasts } from "./components/Toast";
import { LoginPage } from "./pages/Login";
import { WorkflowsPage } from "./pages/Workflows";
import { EditorPage } from "./pages/Editor";
import { VersionsPage } from "./pages/Versions";
import { JobsPage } from "./pages/Jobs";
import { JobPage } from "./pages/Job";
import { ServerPage } from "./pages/Server";

function useTheme(): [string, () => void] {
  const preferred = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  const [theme, setTheme] = useState(localStorage.getItem("graphmill.theme") ?? preferred);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem("graphmill.theme", theme);
  }, [theme]);
  return [theme, () => setTheme(theme === "dark" ? "light" : "dark")];
}

function Page({ path }: { path: string }) {
  let p: Record<string, string> | null;
  if ((p = match("/workflows/:id/versions", path))) return <VersionsPage id={p.id} />;
  if ((p = match("/workflows/:id", path))) return <EditorPage id={p.id} />;
  if (match("/workflows", path)) return <WorkflowsPage />;
  if ((p = match("/jobs/:id/results/:task", path))) return <JobPage id={p.id} resultTask={p.task} />;
  if ((p = match("/jobs/:id", path))) return <JobPage id={p.id} />;
  if (match("/jobs", path)) return <JobsPage path={path} />;
  if (match("/server", path)) return <ServerPage />;
  return <p>No page {path}. <a href="#/workflows">Workflows</a></p>;
}

function App() {
  const path = usePath();
  const [theme, toggleTheme] = useTheme();
  useEffect(() => {
    const toLogin = () => {
      if (!path.startsWith("/login")) navigate(`/login?next=${encodeURIComponent(path)}`);
    };
    window.addEventListener("graphmill:unauthorized", toLogin);
    return () => window.removeEventListener("graphmill:unauthorized", toLogin);
  }, [path]);
  if (path.startsWith("/login")) return <LoginPage path={path} />;
  const section = path.split("/")[1];
  const full = !!match("/workflows/:id", path);
  const link = (href: string, label: string, key: string) => (
    <a href={`#${href}`} aria-current={section === key ? "page" : undefined}>{label}</a>
  );
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>Skip to content</a>
      <header className="top">
        <a className="brand" href="#/workflows">graphmill</a>
        <nav aria-label="Main">
          {link("/workflows", "Workflows", "workflows")}
          {link("/jobs", "Jobs", "jobs")}
          {link("/server", "Server", "server")}
        </nav>
        <button onClick={toggleTheme} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}>{theme === "dark" ? "☀ Light" : "☾ Dark"}</button>
        <button onClick={() => logout().finally(() => navigate("/login"))}>Log out</button>
      </header>
      <main id="main" tabIndex={-1} className={full ? "full" : undefined}>
        <Page path={path} />
      </main>
      <Toasts />
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
