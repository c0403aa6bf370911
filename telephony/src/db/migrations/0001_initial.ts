import type { Kysely } from 'kysely';

/* The first schema. Portable between SQLite and PostgreSQL: text ids, bigint ms times, 0/1 booleans. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('contact_centers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('api_name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('scrt_url', 'text', (c) => c.notNull())
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('presence_rule_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contact_centers_org_api_name', ['org_id', 'api_name'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('salesforce_user_id', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('presence_rule_id', 'text')
    .addColumn('presence_state', 'text', (c) => c.notNull())
    .addColumn('presence_reason', 'text')
    .addColumn('presence_since', 'bigint', (c) => c.notNull())
    .addColumn('idle_since', 'bigint', (c) => c.notNull())
    .addColumn('next_state_json', 'text')
    .addColumn('offered_leg_id', 'text')
    .addColumn('active_call_id', 'text')
    .addColumn('wrap_up_call_id', 'text')
    .addColumn('phone_type', 'text', (c) => c.notNull())
    .addColumn('desk_phone_number', 'text')
    .addColumn('auto_accept', 'integer', (c) => c.notNull())
    .addColumn('secondary_number', 'text')
    .addColumn('secondary_delay_s', 'integer')
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('fail_next_json', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('users_cc_username', ['contact_center_id', 'username'])
    .execute();
  await db.schema
    .createIndex('users_routable')
    .on('users')
    .columns(['contact_center_id', 'presence_state', 'idle_since'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('presence_rule_id', 'text')
    .execute();
  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute();

  await db.schema
    .createTable('queues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('queue_members')
    .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id'))
    .addColumn('member_type', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('queue_members_pk', ['queue_id', 'member_type', 'member_id'])
    .execute();

  await db.schema
    .createTable('phone_numbers')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .execute();
  await db.schema
    .createTable('flows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('dev_name', 'text', (c) => c.notNull())
    .addColumn('fallback_queue_id', 'text', (c) => c.notNull().references('queues.id'))
    .addUniqueConstraint('flows_cc_dev_name', ['contact_center_id', 'dev_name'])
    .execute();
  await db.schema
    .createTable('phonebook')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone_number', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('presence_statuses')
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('status_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('has_channels', 'integer', (c) => c.notNull())
    .addColumn('is_offline', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('presence_statuses_pk', ['contact_center_id', 'status_id'])
    .execute();
  await db.schema
    .createTable('presence_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('publisher_json', 'text', (c) => c.notNull())
    .addColumn('subscriber_json', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('origin', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('caller_name', 'text')
    .addColumn('attributes_json', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'text')
    .addColumn('initial_call_id', 'text')
    .addColumn('parent_call_id', 'text')
    .addColumn('recording_enabled', 'integer', (c) => c.notNull())
    .addColumn('recording_paused', 'integer', (c) => c.notNull())
    .addColumn('recording_url', 'text')
    .addColumn('recording_duration_s', 'integer')
    .addColumn('voicemail_url', 'text')
    .addColumn('dtmf', 'text', (c) => c.notNull())
    .addColumn('disposition', 'text')
    .addColumn('is_desk_phone', 'integer', (c) => c.notNull())
    .addColumn('callback_number', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('connected_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .addColumn('hold_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calls_cc_state').on('calls').columns(['contact_center_id', 'state']).execute();

  await db.schema
    .createTable('participants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id'))
    .addColumn('contact_center_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('phone_number', 'text')
    .addColumn('name', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('muted', 'integer', (c) => c.notNull())
    .addColumn('held_since', 'bigint')
    .addColumn('hold_ms', 'bigint', (c) => c.notNull())
    .addColumn('is_consult', 'integer', (c) => c.notNull())
    .addColumn('listen_only', 'integer', (c) => c.notNull())
    .addColumn('view_type', 'text')
    .addColumn('added_by', 'text')
    .addColumn('blind', 'integer', (c) => c.notNull())
    .addColumn('queue_id', 'text')
    .addColumn('target_user_id', 'text')
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('queued_at', 'bigint')
    .addColumn('not_before', 'bigint')
    .addColumn('offered_at', 'bigint')
    .addColumn('offer_expires_at', 'bigint')
    .addColumn('secondary_ringing', 'integer', (c) => c.notNull())
    .addColumn('declined_by_json', 'text', (c) => c.notNull())
    .addColumn('device', 'text')
    .addColumn('joined_at', 'bigint')
    .addColumn('left_at', 'bigint')
    .addColumn('leave_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('participants_call').on('participants').column('call_id').execute();
  await db.schema
    .createIndex('participants_waiting')
    .on('participants')
    .columns(['contact_center_id', 'state', 'queued_at'])
    .execute();
  await db.schema.createIndex('participants_user').on('participants').columns(['user_id', 'state']).execute();

  await db.schema
    .createTable('transcripts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id'))
    .addColumn('participant_id', 'text')
    .addColumn('sender_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('transcripts_call').on('transcripts').column('call_id').execute();

  await db.schema
    .createTable('agent_events')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_events_pk', ['user_id', 'seq'])
    .execute();
  await db.schema.createIndex('agent_events_created').on('agent_events').column('created_at').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text')
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').column('due_at').execute();
}
