'use client';
import { RouteError } from '@/components/route-error';

export default function SettingsError({ retry }: { error: unknown; retry: () => void }) {
  return <RouteError what="your settings" retry={retry} />;
}
