import { useState } from "react";
import { ApiError, login } from "../api";
import { navigate, query } from "../router";

export function LoginPage({ path }: { path: string }) {
  const [user, setUser] = useState("root");
  const [password, setPassword] = useState("");
  const [address, setAddress] = useState("127.0.0.1");
  const [port, setPort] = useState("9669");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await login(user, password, address, Number(port));
      navigate(query(path).get("next") || "/workflows");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login panel" id="main">
      <h1>Log in to graphmill</h1>
      <p className="muted">An account of the graph database (the embedded store's default is root / nebula).</p>
      <form onSubmit={submit}>
        <label className="field"><span>User</span><input name="user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" required /></label>
        <label className="field"><span>Password</span><input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" autoFocus /></label>
        <div className="row">
          <label className="field" style={{ flex: 2 }}><span>Graph address</span><input name="address" value={address} onChange={(e) => setAddress(e.target.value)} /></label>
          <label className="field" style={{ flex: 1 }}><span>Port</span><input name="port" value={port} inputMode="numeric" onChange={(e) => setPort(e.target.value)} /></label>
        </div>
        {error && <p className="error" role="alert">{error}</p>}
        <button className="primary" type="submit" disabled={busy}>Log in</button>
      </form>
    </main>
  );
}
