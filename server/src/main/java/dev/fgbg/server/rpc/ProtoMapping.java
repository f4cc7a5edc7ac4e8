package dev.fgbg.server.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.UnsafeByteOperations;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.dataset.SampleProtos;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.depth.DepthCounts;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.render.Backgrounds;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.core.shm.SlotLayout;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.spec.SpecProtos;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.core.synth.IndexCodec;
import dev.fgbg.server.observe.StreamCounts;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DepthDtype;
import dev.fgbg.v1.DepthModelStats;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.ServerStatsResponse;
import dev.fgbg.v1.Shape;
import dev.fgbg.v1.SharedMemorySlot;
import dev.fgbg.v1.SkippedFile;
import java.util.Arrays;
import java.util.List;

/** Conversions between the core's records and the wire messages. */
final class ProtoMapping {
  static final String INDEX_FORMULA = IndexCodec.FORMULA;

  private ProtoMapping() {}

  static DatasetInfo info(Dataset d, Limits limits) {
    Spec s = d.spec();
    DatasetInfo.Builder b = DatasetInfo.newBuilder()
        .setName(d.name()).setSize(d.size())
        .setBackgrounds(d.codec().backgrounds())
        .setForegrounds(d.codec().foregrounds())
        .setFlips(d.codec().flips())
        .setPlacements(d.codec().placements())
        .setIndexFormula(INDEX_FORMULA)
        .setSpec(SpecProtos.toProto(s))
        .setFingerprint(d.fingerprint())
        .setGeneratorVersion(Dataset.GENERATOR_VERSION)
        .setImageShape(shape(s.height(), s.width(), 3))
        .setMaskShape(shape(s.height(), s.width()))
        .setHasDepth(d.hasDepth())
        .setDepthSource(d.depthSource())
        .addAllBackgroundLabels(d.assets().backgroundLabels())
        .addAllForegroundLabels(d.assets().foregroundLabels());
    if (d.hasDepth()) {
      b.setDepthShape(shape(s.height(), s.width()))
          .setDepthDtype(DepthDtype.DEPTH_DTYPE_FLOAT16)
          .setDepthUnits(d.depthUnits());
    }
    for (Background bg : d.assets().backgrounds()) {
      b.addBackgroundNames(bg.name());
    }
    for (Foreground fg : d.assets().foregrounds()) {
      b.addForegroundNames(fg.name());
    }
    for (var f : d.assets().skippedFiles()) { // core's SkippedFile, as the proto's
      b.addSkippedFiles(SkippedFile.newBuilder().setName(f.name()).setReason(f.reason()));
    }
    b.setMaxGetSamples(maxGetSamples(d, limits))
        .setMaxBatchSize(EpochPlan.MAX_BATCH_SIZE)
        .setMaxMessageBytes(Math.max(limits.getSamplesBytes(), largestSampleBytes(d)));
    return b.build();
  }

  private static Shape shape(int... dims) {
    Shape.Builder b = Shape.newBuilder();
    for (int d : dims) {
      b.addDims(d);
    }
    return b.build();
  }

  /**
   * Most indices one GetSamples call takes, whatever its outputs and depth dtype: what describe
   * says and what the GetSamples error names, so the two always agree.
   */
  static int maxGetSamples(Dataset d, Limits limits) {
    return limits.getSamplesCount(largestSampleBytes(d));
  }

  private static long largestSampleBytes(Dataset d) {
    return messageBytes(new BatchShape(d, Outputs.all(d).withInstances(),
        DepthEncoding.FLOAT32));
  }

  /** Bytes one sample adds to a message: its arrays, its index and its meta. */
  static long messageBytes(BatchShape shape) {
    return shape.sampleBytes() + (shape.outputs().meta() ? 96 : 0) + 8;
  }

  /**
   * An enum field as the client sent it, for a message: its name, or the number when it names
   * no value this server knows (the enum then reads UNRECOGNIZED, which says nothing).
   */
  static String sent(ProtocolMessageEnum value, int number) {
    return value instanceof Enum<?> e && !e.name().equals("UNRECOGNIZED") ? e.name()
        : String.valueOf(number);
  }

  /**
   * The requested outputs, as the request's numbers (getOutputsValueList); empty means
   * everything the dataset has (instance ids aside).
   */
  static Outputs outputs(List<Integer> requested, Dataset d) {
    if (requested.isEmpty()) {
      return Outputs.all(d);
    }
    boolean image = false;
    boolean mask = false;
    boolean depth = false;
    boolean meta = false;
    boolean instances = false;
    boolean background = false;
    boolean backgroundDepth = false;
    for (int number : requested) {
      Output o = Output.forNumber(number);
      switch (o == null ? Output.UNRECOGNIZED : o) {
        case OUTPUT_IMAGE -> image = true;
        case OUTPUT_MASK -> mask = true;
        case OUTPUT_DEPTH -> depth = true;
        case OUTPUT_META -> meta = true;
        case OUTPUT_INSTANCES -> instances = true;
        case OUTPUT_BACKGROUND -> background = true;
        case OUTPUT_BACKGROUND_DEPTH -> backgroundDepth = true;
        default -> throw FgbgException.invalidArgument("outputs: " + sent(o, number)
            + " is not an output; use OUTPUT_IMAGE, OUTPUT_MASK, OUTPUT_DEPTH, OUTPUT_META,"
            + " OUTPUT_INSTANCES, OUTPUT_BACKGROUND or OUTPUT_BACKGROUND_DEPTH");
      }
    }
    if ((depth || backgroundDepth) && !d.hasDepth()) {
      throw FgbgException.failedPrecondition("dataset " + Quoted.of(d.name())
          + " has no depth (depth source: " + d.depthSource() + "); leave "
          + (depth ? "depth" : "background_depth") + " out of the outputs (e.g. --outputs "
          + "image,mask / outputs=[\"image\", \"mask\"]), or serve the dataset with a depth"
          + " model");
    }
    return new Outputs(image, mask, depth, meta, instances, background, backgroundDepth);
  }

  /** What a Stats request computes: image, mask and depth only (meta has no statistics). */
  static Outputs statsOutputs(List<Integer> requested, Dataset d) {
    for (Output none : List.of(Output.OUTPUT_META, Output.OUTPUT_INSTANCES)) {
      if (requested.contains(none.getNumber())) {
        throw FgbgException.invalidArgument("outputs: stats are computed for image, mask and "
            + "depth; " + none + " has none");
      }
    }
    return outputs(requested, d);
  }

  /**
   * The depth encoding of a request's depth_dtype number (getDepthDtypeValue). FLOAT32 asks for
   * depth, so a dataset without any refuses it as it refuses OUTPUT_DEPTH (FLOAT16, the
   * default, is what every client sends unasked).
   */
  static DepthEncoding encoding(int number, Dataset d) {
    DepthDtype dtype = DepthDtype.forNumber(number);
    return switch (dtype == null ? DepthDtype.UNRECOGNIZED : dtype) {
      case DEPTH_DTYPE_UNSPECIFIED, DEPTH_DTYPE_FLOAT16 -> DepthEncoding.FLOAT16;
      case DEPTH_DTYPE_FLOAT32 -> {
        if (!d.hasDepth()) {
          throw FgbgException.failedPrecondition("dataset " + Quoted.of(d.name()) + " has no"
              + " depth (depth source: " + d.depthSource() + "); depth_dtype DEPTH_DTYPE_FLOAT32"
              + " (--depth-dtype float32) encodes depth: leave it off, or serve the dataset"
              + " with a depth model");
        }
        yield DepthEncoding.FLOAT32;
      }
      default -> throw FgbgException.invalidArgument("depth_dtype " + sent(dtype, number)
          + " is not supported; use DEPTH_DTYPE_FLOAT16 or DEPTH_DTYPE_FLOAT32");
    };
  }

  static DepthDtype dtype(DepthEncoding enc) {
    return enc == DepthEncoding.FLOAT32 ? DepthDtype.DEPTH_DTYPE_FLOAT32
        : DepthDtype.DEPTH_DTYPE_FLOAT16;
  }

  /** A batch message; the rendered arrays are wrapped, not copied. */
  static SampleBatch.Builder batch(Dataset d, RenderedBatch r, Outputs o) {
    SampleBatch.Builder b = SampleBatch.newBuilder()
        .setHeight(d.spec().height())
        .setWidth(d.spec().width())
        .setFingerprint(d.fingerprint());
    for (long i : r.indices()) {
      b.addIndices(i);
    }
    if (r.images() != null) {
      b.setImages(wrap(r.images()));
    }
    if (r.masks() != null) {
      b.setMasks(wrap(r.masks()));
    }
    if (r.depth() != null) {
      b.setDepth(wrap(r.depth()));
      depthShape(b, d, r);
    }
    if (r.instances() != null) {
      b.setInstances(wrap(r.instances()));
    }
    if (o.meta()) {
      for (SampleInfo s : r.infos()) {
        b.addMeta(SampleProtos.meta(s));
      }
    }
    Backgrounds bgs = r.backgrounds();
    if (bgs != null) {
      b.addAllBackgroundRows(Arrays.stream(bgs.rows()).boxed().toList());
      if (bgs.pixels() != null) {
        b.setBackgrounds(wrap(bgs.pixels()));
      }
      if (bgs.depth() != null) {
        b.setBackgroundDepths(wrap(bgs.depth()));
        depthShape(b, d, r);
      }
    }
    return b;
  }

  private static void depthShape(SampleBatch.Builder b, Dataset d, RenderedBatch r) {
    b.setDepthDtype(dtype(r.encoding())).setDepthHeight(d.spec().height())
        .setDepthWidth(d.spec().width());
  }

  /**
   * A batch whose arrays lie in a shared-memory slot: the message carries indices, meta, shapes
   * and where the arrays are, never their bytes.
   */
  static SampleBatch.Builder ringBatch(Dataset d, RenderedBatch r, Outputs o, SlotLayout at) {
    SampleBatch.Builder b = batch(d, new RenderedBatch(r.indices(), null, null, null,
        r.encoding(), r.infos()), o);
    if (r.depth() != null || at.depthLength() > 0 || at.backgroundDepthsLength() > 0) {
      depthShape(b, d, r);
    }
    if (r.backgrounds() != null) {
      b.addAllBackgroundRows(Arrays.stream(r.backgrounds().rows()).boxed().toList());
    }
    return b.setSharedMemory(SharedMemorySlot.newBuilder().setSlot(at.slot())
        .setImagesOffset(at.imagesOffset()).setImagesLength(at.imagesLength())
        .setMasksOffset(at.masksOffset()).setMasksLength(at.masksLength())
        .setDepthOffset(at.depthOffset()).setDepthLength(at.depthLength())
        .setInstancesOffset(at.instancesOffset()).setInstancesLength(at.instancesLength())
        .setBackgroundsOffset(at.backgroundsOffset())
        .setBackgroundsLength(at.backgroundsLength())
        .setBackgroundDepthsOffset(at.backgroundDepthsOffset())
        .setBackgroundDepthsLength(at.backgroundDepthsLength()));
  }

  /** A stream message: the piece's samples and where they sit in the epoch and batch. */
  static SampleBatch.Builder chunk(SampleBatch.Builder b, Piece p) {
    return b.setBatchIndex(p.batch())
        .setChunkIndex(p.chunkIndex())
        .setChunkCount(p.chunkCount())
        .setFirstPosition(p.firstPosition());
  }

  static ServerStatsResponse serverStats(StreamStats streams, List<DepthRuntime> depth) {
    StreamCounts stats = streams.snapshot();
    ServerStatsResponse.Builder b = ServerStatsResponse.newBuilder()
        .setStreamsStarted(stats.streamsStarted()).setStreamsCancelled(stats.streamsCancelled())
        .setSamplesSent(stats.samplesSent()).setRingsAccepted(stats.ringsAccepted())
        .setRingsRefused(stats.ringsRefused());
    for (DepthRuntime r : depth) {
      DepthCounts s = r.stats().snapshot();
      b.addDepth(DepthModelStats.newBuilder().setModel(r.name())
          .setDevice(r.device()).setMemoryHits(s.memoryHits()).setDiskHits(s.diskHits())
          .setMisses(s.misses()).setDiskCorrupt(s.diskCorrupt())
          .setStoreHits(s.storeHits()).setStoreDamaged(s.storeDamaged()).setInferences(s.inferred())
          .setRuns(s.runs()).setMeanBatch(s.meanBatch()).setMaxBatch(s.maxBatchSeen())
          .setMeanQueueDelayMs(s.meanQueueDelayMillis())
          .setMaxQueueDelayMs(s.maxQueueDelayMillis()).setRejected(s.rejected())
          .setWithdrawn(s.withdrawn())
          .setQueued(r.queued()).setDiskBytes(r.diskBytes())
          .setInferenceSeconds(s.inferenceSeconds()));
    }
    return b.build();
  }

  private static ByteString wrap(byte[] bytes) {
    return UnsafeByteOperations.unsafeWrap(bytes);
  }
}
