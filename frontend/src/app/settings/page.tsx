import type { Metadata } from 'next';
import { Card } from '@/components/ui';
import { backendAs, requireSession } from '@/lib/server/session';
import { DeleteAccountForm } from './delete-account-form';
import { PasswordForm } from './password-form';
import { ProfileForm } from './profile-form';
import { SessionList } from './session-list';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const current = await requireSession('/settings');
  const api = await backendAs(current, '/settings');
  const [me, sessions] = await Promise.all([api.GET('/api/users/me'), api.GET('/api/auth/sessions')]);
  if (!me.data || !sessions.data) throw new Error(`The account service answered ${me.response.status}/${sessions.response.status}`);

  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Settings</h1>
        <p className="mt-1 text-sm text-slate-500">Your profile, password and signed-in devices.</p>
      </div>
      <Card id="profile" title="Profile" description="Your name and the email address you sign in with.">
        <ProfileForm name={me.data.name ?? ''} email={me.data.email} />
      </Card>
      <Card id="password" title="Change password" description="Changing it signs you out on every other device.">
        <PasswordForm email={me.data.email} />
      </Card>
      <Card id="sessions" title="Signed-in devices" description="Where your account is signed in right now. Sign out any device you do not recognise.">
        <SessionList sessions={sessions.data} />
      </Card>
      <Card id="danger" title="Delete account" description="Permanently deletes your account and every task in it. This cannot be undone." className="ring-rose-200">
        <DeleteAccountForm />
      </Card>
    </div>
  );
}
