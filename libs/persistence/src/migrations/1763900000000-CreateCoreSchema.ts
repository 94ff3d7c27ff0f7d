import { MigrationInterface, QueryRunner } from 'typeorm';

/** Patients, orders, requested procedures, scheduled steps, the HL7 message log, history and outbox. */
export class CreateCoreSchema1763900000000 implements MigrationInterface {
  name = 'CreateCoreSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hl7_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        received_at timestamptz NOT NULL DEFAULT now(),
        peer text,
        sending_application text NOT NULL DEFAULT '',
        sending_facility text NOT NULL DEFAULT '',
        control_id text,
        message_type text,
        version text,
        charset text,
        raw bytea NOT NULL,
        payload_sha256 bytea NOT NULL,
        ack_code text NOT NULL,
        ack bytea NOT NULL,
        error_code text,
        error_text text
      );
      CREATE UNIQUE INDEX hl7_messages_sender_control_id_payload
        ON hl7_messages (sending_application, sending_facility, control_id, payload_sha256)
        WHERE control_id IS NOT NULL;
      CREATE INDEX hl7_messages_received_at ON hl7_messages (received_at);

      CREATE TABLE patients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id text NOT NULL,
        issuer text NOT NULL DEFAULT '',
        issuer_universal_id text,
        issuer_universal_id_type text,
        identifier_type_code text,
        name text,
        name_ideographic text,
        name_phonetic text,
        birth_date text,
        birth_time text,
        sex text,
        mother_birth_name text,
        other_ids jsonb NOT NULL DEFAULT '[]',
        merged_into uuid REFERENCES patients(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX patients_patient_id_issuer ON patients (patient_id, issuer);

      CREATE TABLE imaging_orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_ref uuid NOT NULL REFERENCES patients(id),
        sending_application text NOT NULL DEFAULT '',
        accession_number text NOT NULL,
        accession_issuer jsonb,
        placer_order_number text,
        placer_issuer jsonb,
        filler_order_number text,
        filler_issuer jsonb,
        priority text,
        order_control text,
        order_status text,
        requesting_physician text,
        referring_physician text,
        requesting_service text,
        reason_for_procedure text,
        reason_code jsonb,
        order_entered_by text,
        callback_phone text,
        institution_name text,
        admission_id text,
        current_patient_location text,
        medical_alerts text,
        allergies text,
        patient_state text,
        pregnancy_status integer,
        confidentiality_code text,
        comments text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX imaging_orders_accession ON imaging_orders (accession_number);
      CREATE INDEX imaging_orders_placer ON imaging_orders (sending_application, placer_order_number);
      CREATE INDEX imaging_orders_patient ON imaging_orders (patient_ref);

      CREATE TABLE requested_procedures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_ref uuid NOT NULL REFERENCES imaging_orders(id),
        requested_procedure_id text NOT NULL,
        study_instance_uid text NOT NULL,
        description text,
        code jsonb,
        priority text,
        transport_arrangements text,
        location text,
        comments text,
        study_status text NOT NULL DEFAULT 'SCHEDULED',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX requested_procedures_order_rp_id ON requested_procedures (order_ref, requested_procedure_id);
      CREATE UNIQUE INDEX requested_procedures_study_uid ON requested_procedures (study_instance_uid);

      CREATE TABLE scheduled_procedure_steps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        procedure_ref uuid NOT NULL REFERENCES requested_procedures(id),
        patient_ref uuid NOT NULL REFERENCES patients(id),
        sps_id text NOT NULL,
        modality text,
        station_ae_titles text[] NOT NULL DEFAULT '{}',
        station_name text,
        location text,
        start_at timestamptz,
        start_date text,
        start_time text,
        end_date text,
        end_time text,
        timezone_offset text,
        description text,
        protocol_codes jsonb NOT NULL DEFAULT '[]',
        performing_physician text,
        contrast_agent text,
        pre_medication text,
        comments text,
        status text NOT NULL,
        held boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX scheduled_procedure_steps_rp_sps_id ON scheduled_procedure_steps (procedure_ref, sps_id);
      CREATE INDEX scheduled_procedure_steps_patient ON scheduled_procedure_steps (patient_ref);

      CREATE TABLE study_transitions (
        id bigserial PRIMARY KEY,
        procedure_ref uuid NOT NULL REFERENCES requested_procedures(id),
        step_ref uuid REFERENCES scheduled_procedure_steps(id),
        from_status text,
        to_status text NOT NULL,
        event text NOT NULL,
        source_kind text NOT NULL,
        source_ref text,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX study_transitions_procedure ON study_transitions (procedure_ref, id);

      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        aggregate_id uuid,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz
      );
      CREATE INDEX outbox_pending ON outbox (id) WHERE relayed_at IS NULL;

      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        peer text,
        detail jsonb
      );
      CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);

      CREATE SEQUENCE generated_id_seq;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP SEQUENCE generated_id_seq;
      DROP TABLE audit_events, outbox, study_transitions, scheduled_procedure_steps,
        requested_procedures, imaging_orders, patients, hl7_messages;
    `);
  }
}
