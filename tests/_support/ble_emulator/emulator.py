"""
The emulated radio: Bumble virtual controllers on one LocalLink.

- One controller is the gateway's: it speaks H4 over TCP on 127.0.0.1 (a free port; printed on
  stdout as the first JSON line, {"port": ..., "tags": [...]}) to one host at a time, which is
  what `gateway --hci tcp:127.0.0.1:PORT` connects to. It holds `--slots` LE connections and
  refuses more with HCI 0x09 (Connection Limit Exceeded), like a real dongle.
- Each emulated SensorTag (sensortag.py) is a Bumble Device with its own controller on the link,
  advertising with its public address every `--adv-interval-ms`.

Control channel: one command per line on stdin, one JSON answer per line on stdout:
  drop ADDR REASON          the link to ADDR ends with HCI reason REASON (hex, e.g. 08, 13, 3e)
  adv ADDR on|off           the tag stops / restarts advertising
  unplug [SECONDS]          the controller's TCP connection closes (an unplugged dongle: its
                            links are gone); no new connection is accepted for SECONDS
  fail-write ADDR UUID CODE [COUNT]   the next COUNT writes to characteristic UUID (16-bit
                            short form, e.g. aa02) fail with ATT error CODE (hex)
  hang-read ADDR UUID on|off          reads of UUID are never answered / answered again
  keys ADDR BITS            the tag's keys change (notified to subscribers)
  rssi-fault on|off         HCI Read RSSI is answered with an error status and no parameters,
                            as some controllers do (the host must check the status)
  state                     connections, advertising, sensor configuration
  quit

Bumble 0.0.236 facts worked around here (see each place):
- LocalLink stamps LE ACL data with the sender's *random* address, so links made to a public
  address never carry ATT traffic (EmulatorLink.send_acl_data).
- The controller ignores HCI Reset: a host killed mid-link leaves the tag "connected" and silent
  (GatewayController.on_hci_reset_command drops the links).
- HCI Read RSSI and LE Set Data Length are unsupported (answered in GatewayController).
- The legacy advertising timer takes the 0.625 ms interval units as ms, firing at ~1.6x the
  interval asked (TagController scales the interval back).
- Over TCP, Nagle's algorithm adds ~40 ms per ATT round trip: TCP_NODELAY is set on this end
  (the gateway sets it on its end).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import sys

from bumble import hci, link as bumble_link
from bumble.controller import Controller
from bumble.core import PhysicalTransport
from bumble.device import Device
from bumble.host import Host

from sensortag import SensorTag

SUPERVISION_TIMEOUT = 0x08
REMOTE_USER_TERMINATED = 0x13
LOCAL_HOST_TERMINATED = 0x16


class EmulatorLink(bumble_link.LocalLink):
    def send_acl_data(self, sender_controller, destination_address, transport, data):
        # Bumble 0.0.236 stamps LE data with sender_controller.random_address; the receiver looks
        # its connection up by the address the link was made with (here: public addresses).
        # Stamp it with the sender's own address on that connection instead.
        if transport != PhysicalTransport.LE:
            return super().send_acl_data(sender_controller, destination_address, transport, data)
        connection = sender_controller.le_connections.get(destination_address)
        destination = self.find_le_controller(destination_address)
        if connection is None or destination is None:
            return
        source = connection.self_address
        asyncio.get_running_loop().call_soon(
            lambda: destination.on_link_acl_data(source, transport, data))


class TagController(Controller):
    def on_hci_le_set_advertising_parameters_command(self, command):
        result = super().on_hci_le_set_advertising_parameters_command(command)
        # Bumble 0.0.236 fires its advertising timer every `interval_min` *ms* although the unit
        # is 0.625 ms (~1.6x too slow): store the interval in ms so the timer matches the ask.
        adv = self.le_legacy_advertiser
        adv.advertising_interval_min = round(command.advertising_interval_min * 0.625)
        adv.advertising_interval_max = round(command.advertising_interval_max * 0.625)
        return result


class GatewayController(Controller):
    """The controller the gateway drives over TCP."""

    def __init__(self, *args, slots: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.on_links_lost = None  # callback(peer_address, reason) to the tags' side
        self.rssi_fault = False

    def drop_all_links(self, peer_reason: int) -> None:
        """This controller loses every link at once (reset, unplug); the peers time out."""
        for connection in list(self.le_connections.values()):
            del self.le_connections[connection.peer_address]
            if self.on_links_lost:
                self.on_links_lost(connection.peer_address, peer_reason)
        self.pending_le_connection = None
        self.le_scan_enable = False

    def on_hci_reset_command(self, command):
        # Bumble 0.0.236 answers Reset without resetting anything. A real controller forgets its
        # links (the host gets no event for them) and stops scanning and initiating.
        self.drop_all_links(SUPERVISION_TIMEOUT)
        return super().on_hci_reset_command(command)

    def on_hci_read_rssi_command(self, command):
        if self.rssi_fault:
            # Command Complete carrying only a status (0x01 Unknown HCI Command), no handle/RSSI.
            self.send_raw_event(bytes([0x04, 0x0E, 0x04, 0x01]) +
                                command.op_code.to_bytes(2, "little") + bytes([0x01]))
            return None
        # Unsupported in Bumble 0.0.236: answer as a controller does.
        known = self.find_le_connection_by_handle(command.handle) is not None
        return hci.HCI_Read_RSSI_ReturnParameters(
            status=hci.HCI_ErrorCode.SUCCESS if known
            else hci.HCI_ErrorCode.UNKNOWN_CONNECTION_IDENTIFIER_ERROR,
            handle=command.handle, rssi=-55 if known else 127)

    def on_hci_command_packet(self, command):
        if self.rssi_fault and isinstance(command, hci.HCI_Read_RSSI_Command):
            self.on_hci_read_rssi_command(command)  # answered raw, not through Bumble's framing
            return
        super().on_hci_command_packet(command)

    def send_raw_event(self, packet: bytes) -> None:
        if self.host:
            asyncio.get_running_loop().call_soon(self.host.on_packet, packet)

    def on_hci_le_set_data_length_command(self, command):
        # Unsupported in Bumble 0.0.236; the link stays at 27 octets (what this controller offers).
        known = self.find_le_connection_by_handle(command.connection_handle) is not None
        return hci.HCI_StatusAndConnectionHandleReturnParameters(
            status=hci.HCI_ErrorCode.SUCCESS if known
            else hci.HCI_ErrorCode.UNKNOWN_CONNECTION_IDENTIFIER_ERROR,
            connection_handle=command.connection_handle)

    def _over_budget(self) -> bool:
        return len(self.le_connections) >= self.slots

    def on_hci_le_create_connection_command(self, command):
        if self._over_budget():
            self._send_hci_command_status(
                hci.HCI_ErrorCode.CONNECTION_LIMIT_EXCEEDED_ERROR, command.op_code)
            return None
        return super().on_hci_le_create_connection_command(command)

    def on_hci_le_extended_create_connection_command(self, command):
        if self._over_budget():
            self._send_hci_command_status(
                hci.HCI_ErrorCode.CONNECTION_LIMIT_EXCEEDED_ERROR, command.op_code)
            return None
        return super().on_hci_le_extended_create_connection_command(command)


class TcpHost:
    """The gateway's end of the H4 byte stream: packets to the host are written to the socket."""

    def __init__(self, writer: asyncio.StreamWriter):
        self.writer = writer

    def on_packet(self, packet: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(packet)


def h4_packets(buffer: bytearray):
    """Complete H4 packets (host -> controller: commands and ACL data) taken off the buffer."""
    while buffer:
        kind = buffer[0]
        if kind == 0x01:
            if len(buffer) < 4:
                return
            size = 4 + buffer[3]
        elif kind == 0x02:
            if len(buffer) < 5:
                return
            size = 5 + int.from_bytes(buffer[3:5], "little")
        else:
            raise ValueError(f"not an H4 host packet type: 0x{kind:02x}")
        if len(buffer) < size:
            return
        packet = bytes(buffer[:size])
        del buffer[:size]
        yield packet


class Emulator:
    def __init__(self, args):
        self.args = args
        self.link = EmulatorLink()
        self.tags: dict[str, tuple[SensorTag, Device, TagController]] = {}
        self.gateway = None
        self.server = None
        self.port = 0
        self.client_writer = None
        self.reopen_task = None

    async def start(self):
        self.gateway = GatewayController(
            "gateway", link=self.link, public_address="00:1B:DC:0F:00:01", slots=self.args.slots)
        self.gateway.on_links_lost = self._peer_lost
        models = ["cc2650"] * self.args.cc2650 + ["cc2541"] * self.args.cc2541
        for i, model in enumerate(models):
            address = f"B0:B4:48:E0:{(i >> 8) & 0xFF:02X}:{i & 0xFF:02X}"
            await self._add_tag(model, i, address)
        await self._listen(self.args.port)

    async def _add_tag(self, model: str, index: int, address: str):
        tag = SensorTag(model, index)
        controller = TagController(f"tag{index}", link=self.link, public_address=address)
        host = Host()
        host.controller = controller
        device = Device(name=f"tag{index}", address=hci.Address(address), host=host)
        tag.device = device
        device.add_services(tag.services())
        await device.power_on()

        @device.on("connection")
        def _on_connection(connection):
            @connection.on("disconnection")
            def _on_disconnection(reason):
                # What the tag saw end its link (0x13: the host sent HCI Disconnect; 0x08: the
                # gateway's controller went away), for `state`.
                tag.last_disconnect_reason = reason
                tag.on_disconnect()
                if self.tags[address][0].__dict__.get("advertising", True):
                    asyncio.get_running_loop().create_task(self._advertise(address))

        self.tags[address] = (tag, device, controller)
        tag.advertising = True
        await self._advertise(address)

    async def _advertise(self, address: str):
        tag, device, _ = self.tags[address]
        if not tag.advertising or device.is_advertising:
            return
        interval = self.args.adv_interval_ms
        await device.start_advertising(
            own_address_type=hci.OwnAddressType.PUBLIC,
            advertising_data=tag.advertising_data(),
            scan_response_data=b"",
            advertising_interval_min=interval,
            advertising_interval_max=interval,
        )

    def _peer_lost(self, peer_address, reason: int):
        """The gateway's controller lost the link: the tag's side sees it end with `reason`."""
        for _, _, controller in self.tags.values():
            connection = next((c for c in controller.le_connections.values()
                               if c.self_address == peer_address), None)
            if connection is not None:
                controller.on_le_disconnected(connection, reason)

    async def _listen(self, port: int):
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        if self.client_writer is not None:
            writer.close()  # one host at a time, as with a serial line
            return
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client_writer = writer
        self.gateway.host = TcpHost(writer)
        buffer = bytearray()
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                buffer.extend(chunk)
                for packet in h4_packets(buffer):
                    self.gateway.on_packet(packet)
        except (ConnectionError, ValueError) as error:
            log(f"host connection ended: {error}")
        finally:
            if self.client_writer is writer:
                self._host_gone()
            writer.close()

    def _host_gone(self):
        # The dongle is unplugged (or the host went away): its links are gone; the tags time out.
        self.client_writer = None
        self.gateway.host = None
        self.gateway.drop_all_links(SUPERVISION_TIMEOUT)

    # ---- control channel ----

    def _tag(self, address: str):
        entry = self.tags.get(address.upper())
        if entry is None:
            raise ValueError(f"no emulated tag {address}")
        return entry

    async def command(self, line: str) -> dict:
        words = line.split()
        if not words:
            return {"ok": True}
        cmd, args = words[0], words[1:]
        if cmd == "drop":
            address, reason = args[0].upper(), int(args[1], 16)
            self._tag(address)
            connection = self.gateway.le_connections.get(hci.Address(address))
            if connection is None:
                connection = next((c for c in self.gateway.le_connections.values()
                                   if str(c.peer_address).upper().startswith(address)), None)
            if connection is None:
                raise ValueError(f"{address} is not connected")
            peer = connection.peer_address
            self.gateway.on_le_disconnected(connection, reason)
            # The tag's side: a link the central ended (0x13) ends locally-terminated for it.
            self._peer_lost(peer,
                            LOCAL_HOST_TERMINATED if reason == REMOTE_USER_TERMINATED else reason)
            return {"ok": True, "dropped": str(peer), "reason": reason}
        if cmd == "adv":
            tag, device, _ = self._tag(args[0])
            tag.advertising = args[1] == "on"
            if tag.advertising:
                await self._advertise(args[0].upper())
            elif device.is_advertising:
                await device.stop_advertising()
            return {"ok": True, "advertising": tag.advertising}
        if cmd == "unplug":
            seconds = float(args[0]) if args else 0.0
            writer = self.client_writer
            if seconds > 0:
                self.server.close()
            if writer is not None:
                self._host_gone()
                writer.close()
            if seconds > 0:
                await asyncio.sleep(seconds)
                await self._listen(self.port)
            return {"ok": True, "port": self.port}
        if cmd == "fail-write":
            tag = self._tag(args[0])[0]
            count = int(args[3]) if len(args) > 3 else 1
            tag.faults.fail_writes[int(args[1], 16)] = (int(args[2], 16), count)
            return {"ok": True}
        if cmd == "hang-read":
            tag = self._tag(args[0])[0]
            (tag.faults.hang_reads.add if args[2] == "on" else tag.faults.hang_reads.discard)(
                int(args[1], 16))
            return {"ok": True}
        if cmd == "keys":
            await self._tag(args[0])[0].press_keys(int(args[1]))
            return {"ok": True}
        if cmd == "rssi-fault":
            self.gateway.rssi_fault = args[0] == "on"
            return {"ok": True}
        if cmd == "state":
            return {"ok": True, "connections": [str(a) for a in self.gateway.le_connections],
                    "host_connected": self.client_writer is not None,
                    "tags": {a: {"advertising": t.advertising, "connected": bool(d.connections),
                                 "sensors": t.state(),
                                 "last_disconnect_reason":
                                     t.__dict__.get("last_disconnect_reason")}
                             for a, (t, d, _) in self.tags.items()}}
        raise ValueError(f"unknown command {cmd!r}")

    def describe(self) -> dict:
        return {"port": self.port,
                "tags": [{"address": a, "model": t.model, "truth": t.truth}
                         for a, (t, _, _) in self.tags.items()]}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def say(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cc2650", type=int, default=1, help="emulated CC2650 SensorTags")
    parser.add_argument("--cc2541", type=int, default=1, help="emulated CC2541 SensorTags")
    parser.add_argument("--slots", type=int, default=8, help="LE connections the controller holds")
    parser.add_argument("--adv-interval-ms", type=float, default=100.0)
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: a free one)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    emulator = Emulator(args)
    await emulator.start()
    say(emulator.describe())
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line or line.strip() == b"quit":
            break
        try:
            say(await emulator.command(line.decode().strip()))
        except Exception as error:  # a bad command is answered, never fatal
            say({"ok": False, "error": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    asyncio.run(main())
