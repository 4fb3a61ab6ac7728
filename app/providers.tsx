'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { getQueryClient } from '@/components/data';

export function Providers({ children }: { children: React.ReactNode }) {
  // Not useState: a suspending first render would otherwise throw the client away.
  const queryClient = getQueryClient();
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
