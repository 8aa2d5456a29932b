"""A small playable WebM video for browser tests, made without ffmpeg and without the network.

Chromium draws the frames on a canvas and encodes them to VP8 with WebCodecs (`VideoEncoder`),
faster than real time: unlike MediaRecorder, which records as long as the video lasts and
writes no duration. Python then packs the frames into a WebM file (Matroska) with a duration
and a cue per second, so the browser knows the length up front and seeks at once.

Every frame is a key frame: a seek lands exactly where asked.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass

# WebCodecs only runs in a secure context: a page at http://localhost, answered by Playwright
# itself (page.route), so no server and no network are involved.
_ENCODER_ORIGIN = "http://localhost/video-encoder"

_ENCODE_JS = """
async ({seconds, fps, width, height}) => {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  const frames = [];
  let failure = null;
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const bytes = new Uint8Array(chunk.byteLength);
      chunk.copyTo(bytes);
      let text = "";
      for (const byte of bytes) text += String.fromCharCode(byte);
      frames.push({timestamp: chunk.timestamp, key: chunk.type === "key", data: btoa(text)});
    },
    error: (error) => { failure = String(error); },
  });
  encoder.configure({codec: "vp8", width, height, bitrate: 200_000, framerate: fps});
  const count = seconds * fps;
  for (let index = 0; index < count; index++) {
    context.fillStyle = `hsl(${(index * 360) / count}, 80%, 50%)`;
    context.fillRect(0, 0, width, height);
    context.fillStyle = "#000";
    context.font = "32px sans-serif";
    context.fillText((index / fps).toFixed(2), 20, height / 2 + 12);
    const frame = new VideoFrame(canvas, {timestamp: Math.round((index * 1e6) / fps), duration: Math.round(1e6 / fps)});
    encoder.encode(frame, {keyFrame: true});
    frame.close();
  }
  await encoder.flush();
  encoder.close();
  if (failure) throw new Error(failure);
  return frames;
}
"""


@dataclass(frozen=True)
class Frame:
    timestamp_ms: int
    data: bytes


def encode_vp8_frames(browser, *, seconds: int, fps: int, width: int, height: int) -> list[Frame]:
    """VP8 key frames of a `seconds` long clip, encoded by Chromium (its own context, closed after)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.route(
            _ENCODER_ORIGIN,
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>encoder</title>"
            ),
        )
        page.goto(_ENCODER_ORIGIN)
        chunks = page.evaluate(_ENCODE_JS, {"seconds": seconds, "fps": fps, "width": width, "height": height})
    finally:
        context.close()
    if len(chunks) != seconds * fps or not all(chunk["key"] for chunk in chunks):
        raise AssertionError(f"expected {seconds * fps} VP8 key frames, the encoder gave {len(chunks)}")
    return [
        Frame(timestamp_ms=round(chunk["timestamp"] / 1000), data=base64.b64decode(chunk["data"])) for chunk in chunks
    ]


# --- A minimal WebM (Matroska) writer -----------------------------------------------------------


def _size(length: int) -> bytes:
    """An element data size as an 8-byte EBML variable-length integer (simple, and fixed-width)."""
    return (0x01 << 56 | length).to_bytes(8, "big")


def _element(element_id: int, payload: bytes) -> bytes:
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + _size(len(payload)) + payload


def _uint(element_id: int, value: int, width: int | None = None) -> bytes:
    width = width or max(1, (value.bit_length() + 7) // 8)
    return _element(element_id, value.to_bytes(width, "big"))


def _float(element_id: int, value: float) -> bytes:
    return _element(element_id, struct.pack(">d", value))


def _text(element_id: int, value: str) -> bytes:
    return _element(element_id, value.encode("ascii"))


SEGMENT, SEEK_HEAD, INFO, TRACKS, CUES, CLUSTER = 0x18538067, 0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1C53BB6B, 0x1F43B675


def webm_from_vp8_frames(frames: list[Frame], *, width: int, height: int, duration_ms: int) -> bytes:
    """One video track of VP8 key frames; a cluster per second, each with a cue; a seek head up front."""
    header = _element(
        0x1A45DFA3,
        _uint(0x4286, 1)  # EBMLVersion
        + _uint(0x42F7, 1)  # EBMLReadVersion
        + _uint(0x42F2, 4)  # EBMLMaxIDLength
        + _uint(0x42F3, 8)  # EBMLMaxSizeLength
        + _text(0x4282, "webm")  # DocType
        + _uint(0x4287, 2)  # DocTypeVersion
        + _uint(0x4285, 2),  # DocTypeReadVersion
    )
    info = _element(
        INFO,
        _uint(0x2AD7B1, 1_000_000)  # TimestampScale: milliseconds
        + _float(0x4489, float(duration_ms))  # Duration
        + _text(0x4D80, "tests.e2e.video_helpers")  # MuxingApp
        + _text(0x5741, "tests.e2e.video_helpers"),  # WritingApp
    )
    tracks = _element(
        TRACKS,
        _element(
            0xAE,  # TrackEntry
            _uint(0xD7, 1)  # TrackNumber
            + _uint(0x73C5, 1)  # TrackUID
            + _uint(0x83, 1)  # TrackType: video
            + _text(0x86, "V_VP8")  # CodecID
            + _element(0xE0, _uint(0xB0, width) + _uint(0xBA, height)),  # Video: PixelWidth, PixelHeight
        ),
    )
    clusters: list[tuple[int, bytes]] = []  # (timestamp of the cluster, the element)
    by_second: dict[int, list[Frame]] = {}
    for frame in frames:
        by_second.setdefault(frame.timestamp_ms // 1000, []).append(frame)
    for second in sorted(by_second):
        start = second * 1000
        blocks = b"".join(
            _element(0xA3, bytes([0x81]) + struct.pack(">h", frame.timestamp_ms - start) + bytes([0x80]) + frame.data)
            for frame in by_second[second]  # SimpleBlock: track 1, relative time, key frame
        )
        clusters.append((start, _element(CLUSTER, _uint(0xE7, start) + blocks)))  # Timestamp

    def cues_for(first_cluster_offset: int) -> bytes:
        points, offset = b"", first_cluster_offset
        for start, cluster in clusters:
            track_position = _uint(0xF7, 1) + _uint(0xF1, offset, width=8)  # CueTrack, CueClusterPosition
            points += _element(0xBB, _uint(0xB3, start, width=8) + _element(0xB7, track_position))  # CuePoint
            offset += len(cluster)
        return _element(CUES, points)

    def seek_head(positions: dict[int, int]) -> bytes:
        entries = b"".join(
            _element(0x4DBB, _uint(0x53AB, element_id, width=4) + _uint(0x53AC, position, width=8))  # Seek
            for element_id, position in positions.items()
        )
        return _element(SEEK_HEAD, entries)

    # Fixed-width numbers: the sizes do not depend on the offsets, so one dry run gives them.
    seek_head_length = len(seek_head({INFO: 0, TRACKS: 0, CUES: 0}))
    info_at = seek_head_length
    tracks_at = info_at + len(info)
    cues_at = tracks_at + len(tracks)
    cues = cues_for(cues_at + len(cues_for(0)))
    body = seek_head({INFO: info_at, TRACKS: tracks_at, CUES: cues_at}) + info + tracks + cues
    body += b"".join(cluster for _, cluster in clusters)
    return header + _element(SEGMENT, body)


def make_webm(browser, *, seconds: int = 20, fps: int = 4, width: int = 160, height: int = 120) -> bytes:
    """A `seconds` long VP8 WebM video with its duration in the header."""
    frames = encode_vp8_frames(browser, seconds=seconds, fps=fps, width=width, height=height)
    return webm_from_vp8_frames(frames, width=width, height=height, duration_ms=seconds * 1000)
