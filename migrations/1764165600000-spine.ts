import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The spine: channel registry, inbound (outbox) rows, cases with their append-only timeline,
 * staff accounts and the audit log, and the daily numbering function.
 */
export class Spine1764165600000 implements MigrationInterface {
  name = 'Spine1764165600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE channel (
        id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        unit            text NOT NULL,
        name            text NOT NULL,
        disposition     text NOT NULL CHECK (disposition IN ('closed', 'redirected', 'retained', 'excluded', 'own')),
        effective_from  date NOT NULL,
        guidance        text NOT NULL,
        refer_to        jsonb,
        adapter         text,
        enabled         boolean NOT NULL DEFAULT true,
        config          jsonb NOT NULL DEFAULT '{}',
        position        integer NOT NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);

    // The raw submission, written before the 202 (the outbox). Personal data only sealed.
    await q.query(`
      CREATE TABLE inbound_message (
        id                 bigserial PRIMARY KEY,
        receipt_no         text NOT NULL UNIQUE,
        channel_id         text NOT NULL REFERENCES channel (id),
        external_id        text,
        idempotency_key    text,
        request_hash       text NOT NULL,
        raw_sealed         text NOT NULL,
        query_code_hash    text NOT NULL UNIQUE,
        query_code_sealed  text NOT NULL,
        status             text NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'failed')),
        attempts           integer NOT NULL DEFAULT 0,
        last_error         text,
        received_at        timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX inbound_idempotency ON inbound_message (channel_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX inbound_external ON inbound_message (channel_id, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX inbound_failed ON inbound_message (received_at) WHERE status = 'failed'`);
    // Rows not yet cases. A narrow table of its own: registering a case deletes a small row here
    // instead of rewriting the wide inbound row (and all its index entries) in place.
    await q.query(`
      CREATE TABLE inbound_pending (
        inbound_id   bigint PRIMARY KEY REFERENCES inbound_message (id),
        received_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX inbound_pending_received ON inbound_pending (received_at)`);

    await q.query(`
      CREATE TABLE cases (
        id                        bigserial PRIMARY KEY,
        case_no                   text NOT NULL UNIQUE,
        inbound_id                bigint NOT NULL UNIQUE REFERENCES inbound_message (id),
        receipt_no                text NOT NULL,
        channel_id                text NOT NULL REFERENCES channel (id),
        external_id               text,
        title                     text NOT NULL,
        content                   text NOT NULL,
        category                  text CHECK (category IN ('咨询', '反映', '投诉', '建议', '求助')),
        domain                    text,
        status                    text NOT NULL,
        handling_unit             text,
        deadline                  date,
        is_public                 boolean NOT NULL DEFAULT false,
        citizen_name_sealed       text,
        citizen_phone_sealed      text,
        citizen_email_sealed      text,
        citizen_id_number_sealed  text,
        phone_hash                text,
        submitted_at              timestamptz,
        received_at               timestamptz NOT NULL,
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX cases_received ON cases (received_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cases_channel ON cases (channel_id, received_at DESC)`);
    await q.query(`CREATE INDEX cases_status ON cases (status, received_at DESC)`);
    await q.query(`CREATE INDEX cases_unit ON cases (handling_unit, received_at DESC) WHERE handling_unit IS NOT NULL`);
    await q.query(`CREATE INDEX cases_phone_hash ON cases (phone_hash) WHERE phone_hash IS NOT NULL`);

    // The timeline: append-only, enforced by the database itself.
    await q.query(`
      CREATE TABLE case_event (
        id           bigserial PRIMARY KEY,
        case_id      bigint NOT NULL REFERENCES cases (id),
        type         text NOT NULL,
        at           timestamptz NOT NULL,
        actor        text NOT NULL,
        actor_role   text NOT NULL,
        from_status  text,
        to_status    text,
        reason       text,
        data         jsonb NOT NULL DEFAULT '{}',
        visible_to_citizen boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE INDEX case_event_case ON case_event (case_id, at, id)`);
    await q.query(`
      CREATE FUNCTION case_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_event is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER case_event_no_change BEFORE UPDATE OR DELETE ON case_event
      FOR EACH ROW EXECUTE FUNCTION case_event_append_only()`);

    await q.query(`
      CREATE TABLE staff_user (
        id             bigserial PRIMARY KEY,
        username       text NOT NULL UNIQUE,
        password_hash  text NOT NULL,
        role           text NOT NULL CHECK (role IN ('admin', 'staff', 'unit', 'leader')),
        unit           text,
        disabled       boolean NOT NULL DEFAULT false,
        created_at     timestamptz NOT NULL DEFAULT now(),
        last_login_at  timestamptz
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id      bigserial PRIMARY KEY,
        at      timestamptz NOT NULL DEFAULT now(),
        actor   text NOT NULL,
        action  text NOT NULL,
        target  text,
        detail  jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_at ON audit_log (at DESC)`);

    // Human-readable numbers sortable by date: PREFIX + YYYYMMDD + '-' + a per-day counter.
    // One sequence per prefix and day (created on first use): nextval takes no row lock, so
    // concurrent intakes never queue behind one counter row.
    await q.query(`
      CREATE FUNCTION hub_next_number(prefix text, day date) RETURNS text LANGUAGE plpgsql AS $$
      DECLARE
        seq text := 'hub_no_' || lower(prefix) || '_' || to_char(day, 'YYYYMMDD');
        n bigint;
      BEGIN
        IF to_regclass(seq) IS NULL THEN
          BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
          EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL; -- created concurrently by another session
          END;
        END IF;
        n := nextval(seq);
        RETURN prefix || to_char(day, 'YYYYMMDD') || '-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS hub_next_number(text, date)`);
    await q.query(`DROP TABLE IF EXISTS audit_log, staff_user, case_event, cases, inbound_pending, inbound_message, channel`);
    await q.query(`DROP FUNCTION IF EXISTS case_event_append_only()`);
  }
}
