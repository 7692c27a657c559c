/**
 * Every change of `data_version` is announced on the `data_version` channel
 * (payload: the new version), so each server process learns it from one
 * LISTEN connection instead of a query per request (server/db/data-version.ts).
 * NOTIFY is delivered at commit, so a listener never sees a version whose data
 * it cannot read yet.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION notify_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('data_version', NEW.version::text);
      RETURN NEW;
    END $$;

    CREATE TRIGGER data_version_notify
      AFTER INSERT OR UPDATE OF version ON data_version
      FOR EACH ROW EXECUTE FUNCTION notify_data_version();
  `.execute(db);
}
