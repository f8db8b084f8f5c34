/** Shown instead of the app when no Convex URL is configured: what to set, in plain words. */
import { ServerOff } from "lucide-react";

export function BackendNotConfigured() {
  return (
    <main className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center px-6 py-16">
      <ServerOff aria-hidden="true" className="size-8 text-muted-foreground" />
      <h1 className="mt-4 text-2xl font-semibold tracking-tight">The backend isn&apos;t configured</h1>
      <p className="mt-3 leading-relaxed text-muted-foreground">
        This server doesn&apos;t know where its Convex backend is. Start everything with{" "}
        <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-sm">npm run dev</code>, or set{" "}
        <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-sm">CONVEX_URL</code> (or{" "}
        <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-sm">NEXT_PUBLIC_CONVEX_URL</code>) to your
        deployment&apos;s URL and restart the web server.
      </p>
    </main>
  );
}
