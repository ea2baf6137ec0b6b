import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyToken } from '../../lib/server/auth/jwt.ts';
import { DatabaseError, type DataPort, type RpcArgs } from '../../lib/server/db/port.ts';

/**
 * A stand-in for Supabase's PostgREST, enough for `supabase.rpc()`: `POST /rest/v1/rpc/:fn` with
 * the JSON body as named arguments, the role taken from the verified bearer JWT, and errors in
 * PostgREST's shape (`{ code, message, details, hint }`, the SQLSTATE as `code`). It executes
 * through a wire-protocol connection to the same database, as PostgREST does.
 */
export async function startPostgrestEmulator(
	database: DataPort,
	jwtSecret: string,
): Promise<{ url: string; close: () => Promise<void> }> {
	const server: Server = createServer(async (req, res) => {
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
			res.end(JSON.stringify(body));
		};
		const match = /^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)$/.exec(req.url ?? '');
		if (req.method !== 'POST' || !match) return send(404, { code: 'PGRST125', message: 'Invalid path' });
		const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? String(req.headers.apikey ?? '');
		let claims: Awaited<ReturnType<typeof verifyToken>>;
		try {
			claims = await verifyToken(bearer, jwtSecret);
		} catch {
			return send(401, { code: 'PGRST301', message: 'JWT invalid' });
		}
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		let args: RpcArgs;
		try {
			args = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcArgs) : {};
		} catch {
			return send(400, { code: 'PGRST102', message: 'Invalid body' });
		}
		try {
			send(200, await database.callRpc(match[1] ?? '', args, { claims, token: bearer }));
		} catch (error) {
			if (!(error instanceof DatabaseError)) return send(500, { code: 'XX000', message: 'internal' });
			const status =
				error.sqlState === '42501'
					? claims.role === 'anon'
						? 401
						: 403
					: error.sqlState === '42883'
						? 404
						: error.kind === 'unavailable'
							? 503
							: 400;
			send(status, { code: error.sqlState, message: error.reason, details: error.detail ?? null, hint: null });
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
