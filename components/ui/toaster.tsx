/** The app's toast outlet (sonner), following the system colour scheme. */
"use client";

import { Toaster as SonnerToaster } from "sonner";

export function Toaster() {
  return (
    <SonnerToaster
      theme="system"
      position="bottom-left"
      closeButton
      richColors
      containerAriaLabel="Notifications"
      toastOptions={{ duration: 6000 }}
    />
  );
}
