import { connect, createServer } from 'node:net';

/** True when something accepts TCP connections on 127.0.0.1:port. */
export const portOpen = (port: number) =>
	new Promise<boolean>((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.end();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});

/** Waits until something answers on 127.0.0.1:port; throws naming `what` after `ms`. */
export async function waitForPort(port: number, what: string, ms = 60_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await portOpen(port))) {
		if (Date.now() > deadline) throw new Error(`${what} did not start within ${ms / 1000} s.`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** A TCP port free on 127.0.0.1 at the time of asking (the system picks it). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
		});
	});
}
