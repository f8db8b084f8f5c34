/** 404 for any unknown URL. */
import Link from "next/link";
import { buttonVariants } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="mx-auto flex w-full max-w-lg flex-1 flex-col items-center justify-center px-6 py-16 text-center">
      <p className="text-sm font-medium text-muted-foreground">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">This page doesn&apos;t exist</h1>
      <p className="mt-3 text-muted-foreground">The link may be old, or the address mistyped.</p>
      <Link href="/" className={buttonVariants({ className: "mt-6" })}>
        Go to review
      </Link>
    </main>
  );
}
