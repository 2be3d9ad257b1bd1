/**
 * The sink's clients (MongoDB, the dead-letter producer, the admin client, the group consumer):
 * built from the options of client_options.ts, started in order (sink_start.ts), and closed.
 */
import type { Admin, Consumer, Kafka, Producer } from "kafkajs";
import { type Db, MongoClient, type MongoClientOptions } from "mongodb";
import type { Logger } from "../../util/log.ts";
import { consumerConfig, deadLetterProducerConfig, mongoClientOptions } from "./client_options.ts";
import type { RecordPipeline } from "../record/record_pipeline.ts";
import { startKafka, startMongo } from "./sink_start.ts";
import { ensureTimeSeriesCollections } from "./time_series_collections.ts";

/** What the clients are built with. */
export interface ClientSettings {
  topics: string[];
  groupId: string;
  mongoUri: string;
  mongoOptions?: MongoClientOptions;
  database: string;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
}

/** The sink's clients, built (not connected). */
export class SinkClients {
  readonly mongo: MongoClient;
  readonly db: Db;
  readonly producer: Producer;
  readonly admin: Admin;
  readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly settings: ClientSettings,
    private readonly pipeline: RecordPipeline,
  ) {
    this.mongo = new MongoClient(
      settings.mongoUri,
      mongoClientOptions(settings.mongoUri, settings.mongoOptions),
    );
    this.db = this.mongo.db(settings.database);
    this.producer = kafka.producer(deadLetterProducerConfig());
    this.admin = kafka.admin();
    this.consumer = kafka.consumer(consumerConfig({
      groupId: settings.groupId,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      largestBatch: Math.max(...settings.topics.map((t) => pipeline.targetOf(t).batchSize), 1),
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
    }));
  }

  /**
   * MongoDB (collections the statements need created), then Kafka (connected, topics ready, the
   * consumer subscribed); rejects with the cause when the sink must stop.
   */
  async start(log: Logger, signal: AbortSignal, giveUpAfterMs: number): Promise<void> {
    await startMongo(
      {
        connect: async () => {
          await this.mongo.connect();
          await ensureTimeSeriesCollections(this.db, this.pipeline.timeSeriesCollections(), log);
        },
      },
      log,
      signal,
      giveUpAfterMs,
    );
    await startKafka(
      {
        connect: async () => {
          await this.producer.connect();
          await this.admin.connect();
        },
        admin: this.admin,
        topics: this.settings.topics,
        sessionTimeoutMs: this.settings.sessionTimeoutMs,
        subscribe: async () => {
          await this.consumer.connect();
          for (const topic of this.settings.topics) {
            await this.consumer.subscribe({ topic, fromBeginning: this.settings.fromBeginning });
          }
        },
      },
      log,
      signal,
      giveUpAfterMs,
    );
  }

  /** Leaves the group and closes every client; failures are logged (leaving) or ignored. */
  async close(log: Logger): Promise<void> {
    await this.consumer.disconnect().catch((e) =>
      log.warn("leaving the group failed", { error: (e as Error).message })
    );
    await this.producer.disconnect().catch(() => {});
    await this.admin.disconnect().catch(() => {});
    await this.mongo.close().catch(() => {});
  }
}
