#!/usr/bin/env python3
"""relay.py LISTEN_ADDR PORT TARGET_ADDR TARGET_PORT

A plain TCP relay for the downgrade lab: after the tunnel dies, the mount target's address answers NFS in the
clear (as an EFS mount target answers both TLS and plain NFS on 2049), forwarding to the real NFS server. Bytes are
copied unchanged both ways; one connection upstream per connection accepted. Runs until killed.
"""
import asyncio
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main(listen: str, port: int, target: str, tport: int) -> None:
    async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            ur, uw = await asyncio.open_connection(target, tport)
        except OSError:
            w.close()
            return
        await asyncio.gather(pipe(r, uw), pipe(ur, w))

    server = await asyncio.start_server(handle, listen, port, reuse_address=True)
    print(f"relay {listen}:{port} -> {target}:{tport}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
