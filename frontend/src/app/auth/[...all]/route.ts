import { appAuth } from '@/lib/server/auth';

// Better Auth's HTTP routes (get-session, sign-out, and the backend sign-in/up of our plugin).
const handler = (request: Request) => appAuth().auth.handler(request);

export { handler as GET, handler as POST };
