/**
 * The caller's (or a third party's) phone in this browser: a WebRTC connection to the service's media
 * plane for one participant (`POST /sim/v1/calls/:callId/participants/:participantId/media` with the
 * complete SDP offer, non-trickle; docs/media.md). What it sends: the microphone, a test tone or an
 * audio file (WebAudio → MediaStreamDestination, for a machine without a microphone); what it
 * receives plays on the speaker. What the participant hears is decided by the call, not by the page.
 */

export type AudioSource = 'none' | 'microphone' | 'tone' | 'file';

export interface AudioChoice {
  source: AudioSource;
  toneHz: number;
  file: File | null;
}

const ICE_GATHER_MS = 2000;

async function sourceStream(choice: AudioChoice, ctx: () => AudioContext): Promise<MediaStream> {
  if (choice.source === 'microphone' || choice.source === 'none')
    return navigator.mediaDevices.getUserMedia({ audio: true });
  const audio = ctx();
  const destination = audio.createMediaStreamDestination();
  const gain = audio.createGain();
  gain.gain.value = 0.3;
  gain.connect(destination);
  if (choice.source === 'tone') {
    const osc = audio.createOscillator();
    osc.frequency.value = choice.toneHz;
    osc.connect(gain);
    osc.start();
  } else {
    if (!choice.file) throw new Error('choose an audio file first');
    const buffer = await audio.decodeAudioData(await choice.file.arrayBuffer());
    const player = audio.createBufferSource();
    player.buffer = buffer;
    player.loop = true;
    player.connect(gain);
    player.start();
  }
  return destination.stream;
}

export class BrowserPhone {
  state: 'connecting' | 'connected' | 'failed' = 'connecting';
  readonly audio: HTMLAudioElement;
  private pc: RTCPeerConnection | null = null;
  private stream: MediaStream | null = null;
  private audioCtx: AudioContext | null = null;
  private readonly url: string;

  constructor(
    readonly callId: string,
    readonly participantId: string,
    private readonly changed: () => void,
  ) {
    this.url = `/sim/v1/calls/${encodeURIComponent(callId)}/participants/${encodeURIComponent(participantId)}/media`;
    this.audio = document.createElement('audio');
    this.audio.autoplay = true;
    this.audio.dataset.testid = `phone-audio-${participantId}`;
    document.body.append(this.audio);
  }

  async connect(choice: AudioChoice): Promise<void> {
    try {
      this.stream = await sourceStream(choice, () => (this.audioCtx ??= new AudioContext()));
      const pc = new RTCPeerConnection();
      this.pc = pc;
      for (const track of this.stream.getAudioTracks()) pc.addTrack(track, this.stream);
      pc.ontrack = (e) => {
        this.audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
        void this.audio.play().catch(() => undefined);
      };
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'connected') this.set('connected');
        if (pc.connectionState === 'failed') this.set('failed');
      };
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        const done = () => pc.iceGatheringState === 'complete' && resolve();
        pc.addEventListener('icegatheringstatechange', done);
        setTimeout(resolve, ICE_GATHER_MS);
        done();
      });
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp' },
        body: pc.localDescription?.sdp ?? '',
      });
      if (res.status !== 201) {
        const body = (await res.json().catch(() => null)) as {
          error?: { code?: string; message?: string };
          code?: string;
          message?: string;
        } | null;
        throw new Error(
          `${res.status} ${body?.error?.code ?? body?.code ?? ''} ${body?.error?.message ?? body?.message ?? ''}`.trim(),
        );
      }
      await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    } catch (err) {
      this.close();
      this.set('failed');
      throw err;
    }
  }

  private set(state: BrowserPhone['state']): void {
    this.state = state;
    this.changed();
  }

  /** Hangs up this browser's audio (the participant stays on the call). */
  hangup(): void {
    void fetch(this.url, { method: 'DELETE' }).catch(() => undefined);
    this.close();
  }

  private close(): void {
    this.pc?.close();
    this.pc = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    void this.audioCtx?.close();
    this.audioCtx = null;
    this.audio.remove();
  }
}

/** The page's browser phones by participant id, and the audio the next one sends. */
export class BrowserPhones {
  readonly choice: AudioChoice = { source: 'none', toneHz: 440, file: null };
  private readonly phones = new Map<string, BrowserPhone>();

  constructor(private readonly changed: () => void) {}

  get(participantId: string): BrowserPhone | undefined {
    return this.phones.get(participantId);
  }

  async connect(callId: string, participantId: string): Promise<void> {
    this.phones.get(participantId)?.hangup();
    const phone = new BrowserPhone(callId, participantId, this.changed);
    this.phones.set(participantId, phone);
    try {
      await phone.connect(this.choice);
    } catch (err) {
      this.phones.delete(participantId);
      throw err;
    }
  }

  hangup(participantId: string): void {
    this.phones.get(participantId)?.hangup();
    this.phones.delete(participantId);
    this.changed();
  }

  /** Participants who left the call (or calls that ended) release their browser audio. */
  keepOnly(participantIds: Set<string>): void {
    for (const id of [...this.phones.keys()]) if (!participantIds.has(id)) this.hangup(id);
  }
}
