/** Table types of the service's database. Times are ms since the epoch; booleans are 0/1. */
export interface OrgTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ContactCenterTable {
  id: string;
  org_id: string;
  api_name: string;
  display_name: string;
  scrt_url: string;
  settings_json: string;
  presence_rule_id: string | null;
  created_at: number;
  /** The Salesforce contact center (`04v…`, 18 characters) this one is bound to (admin API `connect`). */
  salesforce_contact_center_id: string | null;
  /** The org's My Domain host, as Salesforce last reported it. */
  org_domain: string | null;
}

export interface UserTable {
  id: string;
  contact_center_id: string;
  username: string;
  display_name: string;
  role: 'agent' | 'supervisor';
  salesforce_user_id: string | null;
  presence_rule_id: string | null;
  presence_state: PresenceState;
  presence_reason: string | null;
  presence_since: number;
  idle_since: number;
  next_state_json: string | null;
  offered_leg_id: string | null;
  active_call_id: string | null;
  wrap_up_call_id: string | null;
  phone_type: 'SOFT_PHONE' | 'DESK_PHONE';
  desk_phone_number: string | null;
  auto_accept: number;
  secondary_number: string | null;
  secondary_delay_s: number | null;
  created_at: number;
  /** Removed from the contact center (user sync): kept for the call history, never routed or logged in. */
  removed_at: number | null;
  /** Partner settings: the number outbound calls show, and the queue they are made for. */
  caller_id: string | null;
  default_outbound_queue_id: string | null;
}

/** The user's password hash (scrypt), read at login only. */
export interface UserCredentialTable {
  user_id: string;
  password_hash: string;
}

/** The user's event stream: the sequence number of the last event appended to `agent_events`. */
export interface AgentStreamTable {
  user_id: string;
  event_seq: number;
}

/** A failure the simulator injected into the user's next request (or next request of a method). */
export interface InjectedFailureTable {
  user_id: string;
  contact_center_id: string;
  failure_json: string;
}

export type PresenceState = 'offline' | 'available' | 'busy' | 'on_call' | 'after_call_work';

export interface SessionTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

export interface GroupTable {
  id: string;
  contact_center_id: string;
  name: string;
  presence_rule_id: string | null;
  description: string | null;
}

export interface GroupMemberTable {
  group_id: string;
  user_id: string;
}

export interface QueueTable {
  id: string;
  contact_center_id: string;
  name: string;
  priority: number;
  created_at: number;
}

export interface QueueMemberTable {
  queue_id: string;
  member_type: 'user' | 'group';
  member_id: string;
  priority: number;
}

export interface PhoneNumberTable {
  number: string;
  contact_center_id: string;
  target_type: 'queue' | 'user' | 'flow';
  target_id: string;
  label: string | null;
}

/** An agent's SIP desk-phone credentials (docs/sip.md, "Desk phones"); one row per agent. */
export interface SipPhoneCredentialTable {
  user_id: string;
  contact_center_id: string;
  /** The SIP user name, unique across the service (a REGISTER names only it). */
  username: string;
  /** MD5(username:realm:password), hex: the password is never stored. */
  ha1: string;
  created_at: number;
}

/** Where an agent's SIP phone is registered: the latest REGISTER's Contact and source, until `expires_at`. */
export interface SipPhoneBindingTable {
  user_id: string;
  contact_uri: string;
  source_address: string;
  source_port: number;
  expires_at: number;
  updated_at: number;
}

/** A carrier's SIP trunk of a contact center (docs/sip.md). */
export interface SipTrunkTable {
  id: string;
  contact_center_id: string;
  name: string;
  host: string;
  port: number;
  transport: 'udp';
  /** JSON array of IPv4 addresses and CIDR blocks. */
  allowed_sources_json: string;
  /** JSON array of E.164 numbers and `+digits*` prefixes. */
  numbers_json: string;
  auth_username: string | null;
  /** MD5(username:realm:password), hex; null when the trunk needs no credentials. */
  auth_ha1: string | null;
  created_at: number;
}

export interface FlowTable {
  id: string;
  contact_center_id: string;
  dev_name: string;
  fallback_queue_id: string;
}

export interface PhonebookTable {
  id: string;
  contact_center_id: string;
  name: string;
  phone_number: string;
}

export interface PresenceStatusTable {
  contact_center_id: string;
  status_id: string;
  name: string;
  has_channels: number;
  is_offline: number;
  /** Order in the connector configuration: "the first status with channels" means this order. */
  position: number;
}

export interface PresenceRuleTable {
  id: string;
  contact_center_id: string;
  name: string;
  publisher_json: string;
  subscriber_json: string;
}

export type CallState = 'queued' | 'ringing' | 'dialing' | 'connected' | 'voicemail' | 'ended';
export type CallKind = 'inbound' | 'outbound' | 'callback' | 'internal';

export interface CallTable {
  id: string;
  contact_center_id: string;
  kind: CallKind;
  origin: string | null;
  state: CallState;
  from_number: string;
  to_number: string;
  caller_name: string | null;
  attributes_json: string;
  queue_id: string | null;
  initial_call_id: string | null;
  parent_call_id: string | null;
  recording_enabled: number;
  recording_paused: number;
  recording_url: string | null;
  recording_duration_s: number | null;
  voicemail_url: string | null;
  dtmf: string;
  disposition: string | null;
  is_desk_phone: number;
  callback_number: string | null;
  created_at: number;
  connected_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  hold_ms: number;
}

export type ParticipantRole = 'initial_caller' | 'agent' | 'third_party' | 'supervisor';
export type ParticipantState = 'queued' | 'ringing' | 'dialing' | 'connected' | 'held' | 'ended';

export interface ParticipantTable {
  id: string;
  call_id: string;
  contact_center_id: string;
  role: ParticipantRole;
  user_id: string | null;
  phone_number: string | null;
  name: string | null;
  state: ParticipantState;
  muted: number;
  held_since: number | null;
  hold_ms: number;
  is_consult: number;
  listen_only: number;
  view_type: string | null;
  added_by: string | null;
  blind: number;
  queue_id: string | null;
  target_user_id: string | null;
  priority: number;
  queued_at: number | null;
  not_before: number | null;
  offered_at: number | null;
  offer_expires_at: number | null;
  secondary_ringing: number;
  declined_by_json: string;
  device: string | null;
  joined_at: number | null;
  left_at: number | null;
  leave_reason: string | null;
  created_at: number;
}

export interface TranscriptTable {
  id: string;
  call_id: string;
  participant_id: string | null;
  sender_type: string;
  content: string;
  start_time: number;
  end_time: number;
  created_at: number;
}

export interface AgentEventTable {
  user_id: string;
  seq: number;
  type: string;
  data_json: string;
  created_at: number;
}

export interface JobTable {
  id: string;
  contact_center_id: string;
  kind: string;
  ref_id: string;
  payload_json: string | null;
  due_at: number;
}

/** A contact center connected to Salesforce: its calls are synced through the telephony API. */
export interface SalesforceConnectionTable {
  contact_center_id: string;
  enabled: number;
  voice_call_record_type_id: string | null;
  created_at: number;
}

export type SalesforceKeyStatus = 'pending' | 'active' | 'retired';

/** A contact center's RSA key pair; the private key AES-256-GCM encrypted with the master key. */
export interface SalesforceKeyTable {
  id: string;
  contact_center_id: string;
  status: SalesforceKeyStatus;
  public_key_pem: string;
  certificate_pem: string;
  private_key_enc: string;
  created_at: number;
  not_after: number;
  activated_at: number | null;
  retired_at: number | null;
}

/** A VoiceCall record we asked for: our call (or transfer leg) and, once known, its Salesforce id. */
export interface SalesforceVoiceCallTable {
  vendor_call_key: string;
  contact_center_id: string;
  call_id: string;
  leg_id: string | null;
  voice_call_id: string | null;
  /** 1 once an Omni-Channel flow ran for it (a PendingServiceRouting exists until routed or cleared). */
  flow_executed: number;
  created_at: number;
}

export type OutboxState = 'pending' | 'failed';

/** One telephony API request to make; sent in `seq` order within its conversation. */
export interface SalesforceOutboxTable {
  id: string;
  contact_center_id: string;
  /** The root call: every request of one conversation goes out in order. */
  conversation_key: string;
  seq: number;
  op: string;
  vendor_call_key: string;
  body_json: string;
  /** An Omni-Channel flow whose answer routes this waiting agent leg. */
  route_leg_id: string | null;
  idempotency_key: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  /** Transcripts sent together in one bulk request keep that batch on a retry. */
  batch_key: string | null;
  created_at: number;
  /** The node sending the row (docs/scaling.md), until `claimed_until`; null when nobody is. */
  claimed_by: string | null;
  claimed_until: number | null;
}

/** An OAuth client of an account (an org) for the admin API; the secret is stored as its SHA-256. */
export interface AdminClientTable {
  id: string;
  org_id: string;
  label: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

/** An admin API access token, stored as its SHA-256. */
export interface AdminTokenTable {
  token_hash: string;
  client_id: string;
  org_id: string;
  scope: string;
  created_at: number;
  expires_at: number;
}

/** A stored recording (docs/media.md): which store holds it, as which object, for which contact center. */
export interface RecordingTable {
  /** The media plane's recording key: `<callId>-call` or `<callId>-voicemail`. */
  id: string;
  call_id: string;
  contact_center_id: string;
  store: 'local' | 's3';
  /** The object's key in its store (S3: `<prefix><contactCenterId>/<id>.wav`; local: `<id>.wav`). */
  object_key: string;
  size_bytes: number;
  created_at: number;
  /** When retention or the admin API deleted it; null while it is kept. */
  deleted_at: number | null;
}

/** An agent's presence over time (docs/workspace.md): `until` is null for the current state. */
export interface AgentStateLogTable {
  user_id: string;
  state: PresenceState;
  since: number;
  until: number | null;
}

/** An offer that rang the agent and was withdrawn unanswered (missed, declined, the agent went away). */
export interface AgentMissedOfferTable {
  user_id: string;
  call_id: string;
  at: number;
}

/** A supervisor who receives the wallboard's pushes until `expires_at`. */
export interface WallboardSubscriberTable {
  user_id: string;
  contact_center_id: string;
  expires_at: number;
}

/** Sign-in throttling of one account or one source (docs/security.md, "Logins"). */
export interface LoginThrottleTable {
  /** `<throttle>:a:<account>`. */
  key: string;
  /** Failed attempts in a row. */
  failures: number;
  /** Refused until then (ms). */
  locked_until: number;
  /** Forgotten after (ms). */
  expires_at: number;
}

/** A token bucket (engine/rateBuckets.ts): its theoretical arrival time (ms), full when at or before now. */
export interface RateBucketTable {
  key: string;
  tat: number;
}

/** A device token given at a successful sign-in, stored as its SHA-256, with its own failures. */
export interface LoginDeviceTable {
  token_hash: string;
  /** The throttle's account key (org, contact center, username). */
  account: string;
  failures: number;
  created_at: number;
  expires_at: number;
}

/** A Lightning message an agent sent (the inbox, engine/agentMessages.ts). */
export interface AgentMessageTable {
  user_id: string;
  /** Per agent, from 1. */
  seq: number;
  message_json: string;
  at: number;
}

export interface Database {
  orgs: OrgTable;
  contact_centers: ContactCenterTable;
  users: UserTable;
  user_credentials: UserCredentialTable;
  agent_streams: AgentStreamTable;
  injected_failures: InjectedFailureTable;
  sessions: SessionTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  queues: QueueTable;
  queue_members: QueueMemberTable;
  phone_numbers: PhoneNumberTable;
  sip_trunks: SipTrunkTable;
  sip_phone_credentials: SipPhoneCredentialTable;
  sip_phone_bindings: SipPhoneBindingTable;
  flows: FlowTable;
  phonebook: PhonebookTable;
  presence_statuses: PresenceStatusTable;
  presence_rules: PresenceRuleTable;
  calls: CallTable;
  participants: ParticipantTable;
  transcripts: TranscriptTable;
  agent_events: AgentEventTable;
  jobs: JobTable;
  salesforce_connections: SalesforceConnectionTable;
  salesforce_keys: SalesforceKeyTable;
  salesforce_voice_calls: SalesforceVoiceCallTable;
  salesforce_outbox: SalesforceOutboxTable;
  admin_clients: AdminClientTable;
  admin_tokens: AdminTokenTable;
  recordings: RecordingTable;
  agent_state_log: AgentStateLogTable;
  agent_missed_offers: AgentMissedOfferTable;
  wallboard_subscribers: WallboardSubscriberTable;
  login_throttle: LoginThrottleTable;
  login_devices: LoginDeviceTable;
  agent_messages: AgentMessageTable;
  rate_buckets: RateBucketTable;
}
