package graphmill.graphx;

import java.io.Serializable;
import java.util.HashMap;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.EdgeContext;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.TripletFields;
import org.apache.spark.graphx.VertexRDD;
import org.apache.spark.graphx.lib.LabelPropagation;
import org.apache.spark.graphx.lib.PageRank;
import org.apache.spark.graphx.lib.TriangleCount;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import scala.Function1;
import scala.Function2;
import scala.Function3;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * graphmill's bridge to GraphX, called from Python through py4j.
 *
 * Every entry point takes the graph as two DataFrames, vertices {@code id: long} and edges
 * {@code src: long, dst: long} (extra columns ignored), builds the GraphX graph here (the
 * Row to Edge conversion must run in the JVM: from Python every row would cross py4j), runs a
 * GraphX routine and returns its vertex values as a DataFrame {@code id: long, value}.
 */
public final class GraphmillGraphX {
    private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.Any();
    private static final StorageLevel LEVEL = StorageLevel.MEMORY_AND_DISK();

    private GraphmillGraphX() {}

    /** The helper's version: Python checks it to detect a stale class on the class path. */
    public static String version() {
        return "2";
    }

    static Graph<Object, Object> graph(Dataset<Row> vertices, Dataset<Row> edges) {
        RDD<Tuple2<Object, Object>> vs = vertices.select("id").javaRDD()
            .map(row -> new Tuple2<Object, Object>(row.getLong(0), Boolean.TRUE)).rdd();
        RDD<Edge<Object>> es = edges.select("src", "dst").javaRDD()
            .map(row -> new Edge<Object>(row.getLong(0), row.getLong(1), Boolean.TRUE)).rdd();
        return Graph.apply(vs, es, Boolean.TRUE, LEVEL, LEVEL, OBJECT, OBJECT);
    }

    private static Dataset<Row> frame(SparkSession spark, JavaRDD<Row> rows, DataType valueType) {
        StructType schema = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("value", valueType, false);
        return spark.createDataFrame(rows, schema);
    }

    private static Dataset<Row> values(SparkSession spark, Graph<Object, ?> result, DataType type) {
        JavaRDD<Row> rows = result.vertices().toJavaRDD().map(t -> RowFactory.create(t._1(), t._2()));
        return frame(spark, rows, type);
    }

    /**
     * Weakly connected components: value = the smallest vertex id of the component, by
     * synchronous rounds in which every edge whose ends carry different labels offers the
     * smaller one to the other end (GraphX ConnectedComponents' Pregel message, driven one
     * round per call so each round is reported and checkpointed).  An edge between labels
     * that differ always has an end that changed in the round before, so sending on
     * differing labels is Pregel's active set.
     */
    public static MinRounds componentRounds(Dataset<Row> vertices, Dataset<Row> edges) {
        return new MinRounds(labelled(vertices, edges, true), new OfferLabel(), TripletFields.All);
    }

    /** Hop counts from {@code root} along out-edges, one BFS level per round; reached vertices only. */
    public static MinRounds hopRounds(Dataset<Row> vertices, Dataset<Row> edges, long root) {
        RDD<Tuple2<Object, Object>> vs = vertices.select("id").javaRDD()
            .map(row -> new Tuple2<Object, Object>(row.getLong(0), row.getLong(0) == root ? 0L : UNREACHED)).rdd();
        return new MinRounds(Graph.apply(vs, edgeRdd(edges), UNREACHED, LEVEL, LEVEL, OBJECT, OBJECT).cache(),
            new OfferHop(), TripletFields.Src);
    }

    static final long UNREACHED = Long.MAX_VALUE;

    static RDD<Edge<Object>> edgeRdd(Dataset<Row> edges) {
        return edges.select("src", "dst").javaRDD()
            .map(row -> new Edge<Object>(row.getLong(0), row.getLong(1), Boolean.TRUE)).rdd();
    }

    /** The graph with each vertex's own id as its value (its first label or colour). */
    static Graph<Object, Object> labelled(Dataset<Row> vertices, Dataset<Row> edges, boolean cache) {
        RDD<Tuple2<Object, Object>> vs = vertices.select("id").javaRDD()
            .map(row -> new Tuple2<Object, Object>(row.getLong(0), row.getLong(0))).rdd();
        Graph<Object, Object> g = Graph.apply(vs, edgeRdd(edges), -1L, LEVEL, LEVEL, OBJECT, OBJECT);
        return cache ? g.cache() : g;
    }

    /** Rounds in which a vertex takes the smallest value it is offered when it is below its own. */
    public static final class MinRounds {
        private final Function1<EdgeContext<Object, Object, Object>, BoxedUnit> send;
        private final TripletFields fields;
        private Graph<Object, Object> state;

        MinRounds(Graph<Object, Object> start, Function1<EdgeContext<Object, Object, Object>, BoxedUnit> send,
                TripletFields fields) {
            this.state = start;
            this.send = send;
            this.fields = fields;
        }

        /** One more round; returns how many vertices took a smaller value (0: done). */
        public long step(boolean checkpoint) {
            Graph<Object, Object> previous = state;
            state = round(previous, send, new Min(), fields, new TakeSmaller(), checkpoint);
            long changed = compare(state, previous, new Changed()).filter(t -> (Boolean) t._2()).count();
            previous.unpersistVertices(false);
            return changed;
        }

        /** Every vertex's value (WCC's labels). */
        public Dataset<Row> result(SparkSession spark) {
            return values(spark, state, DataTypes.LongType);
        }

        /** The vertices whose value was lowered from {@code UNREACHED} (BFS: the reached ones). */
        public Dataset<Row> reached(SparkSession spark) {
            JavaRDD<Row> rows = state.vertices().toJavaRDD()
                .filter(t -> (Long) t._2() != UNREACHED)
                .map(t -> RowFactory.create(t._1(), t._2()));
            return frame(spark, rows, DataTypes.LongType);
        }
    }

    private static final class OfferLabel
            implements Function1<EdgeContext<Object, Object, Object>, BoxedUnit>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(EdgeContext<Object, Object, Object> ctx) {
            long s = (Long) ctx.srcAttr();
            long d = (Long) ctx.dstAttr();
            if (s < d) {
                ctx.sendToDst(s);
            } else if (d < s) {
                ctx.sendToSrc(d);
            }
            return BoxedUnit.UNIT;
        }
    }

    private static final class OfferHop
            implements Function1<EdgeContext<Object, Object, Object>, BoxedUnit>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(EdgeContext<Object, Object, Object> ctx) {
            long s = (Long) ctx.srcAttr();
            if (s != UNREACHED) {
                ctx.sendToDst(s + 1);  // the receiver keeps it only if it is below its own depth
            }
            return BoxedUnit.UNIT;
        }
    }

    private static final class Min implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object a, Object b) {
            return Math.min((Long) a, (Long) b);
        }
    }

    private static final class TakeSmaller
            implements Function3<Object, Object, Option<Object>, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object old, Option<Object> heard) {
            return heard.isDefined() ? Math.min((Long) old, (Long) heard.get()) : old;
        }
    }

    /**
     * Strongly connected components (value: the smallest vertex id of the component) by GraphX
     * StronglyConnectedComponents' method, one round per call: set aside vertices with no in-
     * or no out-edge among the vertices left (each its own component), then colour every
     * vertex left with the smallest id that reaches it (forward rounds), then from each vertex
     * whose colour is its own id take back along in-edges the vertices of its colour (backward
     * rounds): those are its component.  Repeat on the vertices left.  The smallest id of a
     * component is the colour its members get, so the value is NA's label.
     */
    public static SccRounds sccRounds(Dataset<Row> vertices, Dataset<Row> edges) {
        Graph<Object, Object> start = labelled(vertices, edges, false)
            .mapVertices(new Fresh(), OBJECT, null).cache();
        return new SccRounds(start);
    }

    /** A vertex during SCC: its colour, and whether its component is known (then colour = label). */
    static final class SccState implements Serializable {
        private static final long serialVersionUID = 1L;
        final long color;
        final boolean done;

        SccState(long color, boolean done) {
            this.color = color;
            this.done = done;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SccState o && o.color == color && o.done == done;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(color) * 31 + (done ? 1 : 0);
        }
    }

    /** The state of an SCC run between rounds. */
    public static final class SccRounds {
        static final int TRIM = 0;
        static final int FORWARD = 1;
        static final int BACKWARD = 2;
        private static final String[] NAMES = {"trim", "forward colouring", "backward closure"};
        private Graph<Object, Object> state;
        private int phase = TRIM;
        private boolean finished;

        SccRounds(Graph<Object, Object> start) {
            this.state = start;
        }

        public boolean finished() {
            return finished;
        }

        /** The phase the next round runs. */
        public String phase() {
            return NAMES[phase];
        }

        /** One round of the current phase; returns how many vertices it changed (0 ends the phase). */
        public long step(boolean checkpoint) {
            Graph<Object, Object> previous = state;
            if (phase == TRIM) {
                state = round(previous, new SendDegrees(), new Or(), TripletFields.All, new Trim(), checkpoint);
            } else if (phase == FORWARD) {
                state = round(previous, new SendColor(), new MinColor(), TripletFields.All, new TakeColor(), checkpoint);
            } else {
                state = round(previous, new SendBack(), new Or(), TripletFields.All, new Close(), checkpoint);
            }
            long changed = compare(state, previous, new Changed()).filter(t -> (Boolean) t._2()).count();
            previous.unpersistVertices(false);
            if (changed == 0) {
                advance();
            }
            return changed;
        }

        private void advance() {
            Graph<Object, Object> previous = state;
            if (phase == TRIM) {
                state = previous.mapVertices(new ResetColor(), OBJECT, null).cache();
                phase = FORWARD;
            } else if (phase == FORWARD) {
                state = previous.mapVertices(new MarkRoots(), OBJECT, null).cache();
                phase = BACKWARD;
            } else {
                long left = state.vertices().toJavaRDD().filter(t -> !((SccState) t._2()).done).count();
                finished = left == 0;
                phase = TRIM;
                return;
            }
            previous.unpersistVertices(false);
        }

        public Dataset<Row> result(SparkSession spark) {
            JavaRDD<Row> rows = state.vertices().toJavaRDD()
                .map(t -> RowFactory.create(t._1(), ((SccState) t._2()).color));
            return frame(spark, rows, DataTypes.LongType);
        }
    }

    private static SccState scc(Object attr) {
        return (SccState) attr;
    }

    /** Both ends still without a component, and not a self-loop: the edge counts this round. */
    private static boolean open(EdgeContext<Object, Object, Object> ctx) {
        return ctx.srcId() != ctx.dstId() && !scc(ctx.srcAttr()).done && !scc(ctx.dstAttr()).done;
    }

    private static final class Fresh implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object label) {
            return new SccState((Long) id, false);
        }
    }

    private static final class SendDegrees
            implements Function1<EdgeContext<Object, Object, Object>, BoxedUnit>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(EdgeContext<Object, Object, Object> ctx) {
            if (open(ctx)) {
                ctx.sendToSrc(1);  // has an out-edge
                ctx.sendToDst(2);  // has an in-edge
            }
            return BoxedUnit.UNIT;
        }
    }

    private static final class Or implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object a, Object b) {
            return (Integer) a | (Integer) b;
        }
    }

    private static final class Trim implements Function3<Object, Object, Option<Object>, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object old, Option<Object> heard) {
            SccState s = scc(old);
            boolean both = heard.isDefined() && (Integer) heard.get() == 3;
            return s.done || both ? s : new SccState((Long) id, true);
        }
    }

    private static final class ResetColor implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object old) {
            return scc(old).done ? old : new SccState((Long) id, false);
        }
    }

    private static final class SendColor
            implements Function1<EdgeContext<Object, Object, Object>, BoxedUnit>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(EdgeContext<Object, Object, Object> ctx) {
            if (open(ctx) && scc(ctx.srcAttr()).color < scc(ctx.dstAttr()).color) {
                ctx.sendToDst(scc(ctx.srcAttr()).color);
            }
            return BoxedUnit.UNIT;
        }
    }

    private static final class MinColor implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object a, Object b) {
            return Math.min((Long) a, (Long) b);
        }
    }

    private static final class TakeColor implements Function3<Object, Object, Option<Object>, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object old, Option<Object> heard) {
            SccState s = scc(old);
            return heard.isDefined() && (Long) heard.get() < s.color ? new SccState((Long) heard.get(), false) : s;
        }
    }

    private static final class MarkRoots implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object old) {
            SccState s = scc(old);
            return !s.done && s.color == (Long) id ? new SccState(s.color, true) : s;
        }
    }

    /**
     * Backward: a vertex of a component just found (its colour's root or reached from it)
     * claims the in-neighbours of the same colour.  Colours of vertices still open are ids
     * of vertices still open, so they never equal an earlier component's label.
     */
    private static final class SendBack
            implements Function1<EdgeContext<Object, Object, Object>, BoxedUnit>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(EdgeContext<Object, Object, Object> ctx) {
            SccState s = scc(ctx.srcAttr());
            SccState d = scc(ctx.dstAttr());
            if (ctx.srcId() != ctx.dstId() && d.done && !s.done && s.color == d.color) {
                ctx.sendToSrc(1);
            }
            return BoxedUnit.UNIT;
        }
    }

    private static final class Close implements Function3<Object, Object, Option<Object>, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object old, Option<Object> heard) {
            SccState s = scc(old);
            return heard.isDefined() && !s.done ? new SccState(s.color, true) : s;
        }
    }

    /**
     * GraphX TriangleCount in its two passes, so each is reported: the canonical graph (one
     * edge per vertex pair, self-loops dropped), then {@code runPreCanonicalized} (neighbour
     * sets, their intersections per edge, halved).
     */
    public static TriangleSteps triangleSteps(Dataset<Row> vertices, Dataset<Row> edges) {
        return new TriangleSteps(graph(vertices, edges));
    }

    /** The two passes of a triangle count. */
    public static final class TriangleSteps {
        private Graph<Object, Object> canonical;
        private Graph<Object, Object> counts;

        TriangleSteps(Graph<Object, Object> graph) {
            this.canonical = graph;
        }

        /** Pass 1: canonical edges, cached; returns their number. */
        public long canonicalize() {
            canonical = canonical.ops().removeSelfEdges().ops().convertToCanonicalEdges(new First()).cache();
            return canonical.edges().count();
        }

        /** Pass 2: triangles through each vertex, cached; returns their sum (each triangle three times). */
        public long count() {
            counts = TriangleCount.runPreCanonicalized(canonical, OBJECT, OBJECT).cache();
            return counts.vertices().toJavaRDD().map(t -> ((Integer) t._2()).longValue()).fold(0L, Long::sum);
        }

        public Dataset<Row> result(SparkSession spark) {
            return values(spark, counts, DataTypes.IntegerType);
        }
    }

    private static final class First implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object a, Object b) {
            return a;
        }
    }

    /** GraphX's own TriangleCount in one call, for measuring it against NA (bench/graphx_semantics.py). */
    public static Dataset<Row> triangleCount(SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges) {
        return values(spark, TriangleCount.run(graph(vertices, edges), OBJECT, OBJECT), DataTypes.IntegerType);
    }

    /** GraphX's LabelPropagation as it is (ties broken by its map's iteration order). */
    public static Dataset<Row> labelPropagation(
            SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges, int steps) {
        Graph<Object, Object> g = graph(vertices, edges);
        return values(spark, LabelPropagation.run(g, steps, OBJECT), DataTypes.LongType);
    }

    /**
     * One synchronous round: every edge sends (aggregateMessages), then every vertex computes
     * its new value from its old one and what it heard (outerJoinVertices); cached, and marked
     * for a reliable checkpoint when asked (written by the round's first job).
     */
    static Graph<Object, Object> round(Graph<Object, Object> previous,
            Function1<EdgeContext<Object, Object, Object>, BoxedUnit> send, Function2<Object, Object, Object> merge,
            TripletFields fields, Function3<Object, Object, Option<Object>, Object> update, boolean checkpoint) {
        VertexRDD<Object> heard = previous.aggregateMessages(send, merge, fields, OBJECT);
        Graph<Object, Object> next = previous.outerJoinVertices(heard, update, OBJECT, OBJECT, null).cache();
        if (checkpoint) {
            next.checkpoint();
        }
        return next;
    }

    /** Per vertex, {@code how(id, value now, value before)} (the vertex sets are the same). */
    static JavaRDD<Tuple2<Object, Object>> compare(Graph<Object, Object> now, Graph<Object, Object> before,
            Function3<Object, Object, Object, Object> how) {
        return now.vertices().innerZipJoin(before.vertices(), how, OBJECT, OBJECT).toJavaRDD();
    }

    /**
     * Graphalytics CDLP on GraphX: synchronous rounds in which every vertex takes the label
     * its in- and out-neighbours carry most (each edge votes, a self-loop twice), ties to the
     * smallest label, a vertex that hears nothing keeping its own.  GraphX's LabelPropagation
     * runs the same rounds but breaks ties by its hash map's iteration order.
     */
    public static CdlpRounds cdlpRounds(Dataset<Row> vertices, Dataset<Row> edges) {
        RDD<Tuple2<Object, Object>> vs = vertices.select("id").javaRDD()
            .map(row -> new Tuple2<Object, Object>(row.getLong(0), row.getLong(0))).rdd();
        RDD<Edge<Object>> es = edges.select("src", "dst").javaRDD()
            .map(row -> new Edge<Object>(row.getLong(0), row.getLong(1), Boolean.TRUE)).rdd();
        return new CdlpRounds(Graph.apply(vs, es, -1L, LEVEL, LEVEL, OBJECT, OBJECT).cache());
    }

    /** The state of a CDLP run between rounds. */
    public static final class CdlpRounds {
        private Graph<Object, Object> labels;

        CdlpRounds(Graph<Object, Object> labels) {
            this.labels = labels;
        }

        /** One more round; returns how many vertices changed label. */
        public long step(boolean checkpoint) {
            Graph<Object, Object> previous = labels;
            labels = round(previous, new SendLabels(), new MergeVotes(), TripletFields.All, new TakeLabel(),
                checkpoint);
            long changed = compare(labels, previous, new Changed()).filter(t -> (Boolean) t._2()).count();
            previous.unpersistVertices(false);
            return changed;
        }

        public Dataset<Row> result(SparkSession spark) {
            return values(spark, labels, DataTypes.LongType);
        }
    }

    private static HashMap<Long, Long> vote(Object label) {
        HashMap<Long, Long> one = new HashMap<>();
        one.put((Long) label, 1L);
        return one;
    }

    private static final class SendLabels
            implements Function1<EdgeContext<Object, Object, Object>, BoxedUnit>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(EdgeContext<Object, Object, Object> ctx) {
            ctx.sendToDst(vote(ctx.srcAttr()));
            ctx.sendToSrc(vote(ctx.dstAttr()));
            return BoxedUnit.UNIT;
        }
    }

    private static final class MergeVotes implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("unchecked")
        public Object apply(Object a, Object b) {
            HashMap<Long, Long> left = (HashMap<Long, Long>) a;
            HashMap<Long, Long> right = (HashMap<Long, Long>) b;
            HashMap<Long, Long> merged = new HashMap<>(left.size() >= right.size() ? left : right);
            for (java.util.Map.Entry<Long, Long> e : (left.size() >= right.size() ? right : left).entrySet()) {
                merged.merge(e.getKey(), e.getValue(), Long::sum);
            }
            return merged;
        }
    }

    private static final class TakeLabel implements Function3<Object, Object, Option<Object>, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("unchecked")
        public Object apply(Object id, Object old, Option<Object> heard) {
            if (heard.isEmpty()) {
                return old;
            }
            long best = 0;
            long label = (Long) old;
            for (java.util.Map.Entry<Long, Long> e : ((HashMap<Long, Long>) heard.get()).entrySet()) {
                long count = e.getValue();
                if (count > best || (count == best && e.getKey() < label)) {
                    best = count;
                    label = e.getKey();
                }
            }
            return label;
        }
    }

    private static final class Changed implements Function3<Object, Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object now, Object before) {
            return !now.equals(before);
        }
    }

    /**
     * GraphX's own static PageRank ({@code PageRank.runWithOptions}), for measuring it against
     * NA: {@code normalized=true} is what {@code PageRank.run} returns (ranks rescaled to sum to n).
     */
    public static Dataset<Row> pageRankGraphX(SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges,
            int iterations, double damping, boolean normalized) {
        Graph<Object, Object> g = graph(vertices, edges);
        Option<Object> noSource = Option.empty();
        return values(spark, PageRank.runWithOptions(g, iterations, 1.0 - damping, noSource, normalized,
            OBJECT, OBJECT), DataTypes.DoubleType);
    }

    /**
     * NA's PageRank with GraphX's own round ({@code PageRank.runWithOptions(normalized=false)}:
     * an {@code aggregateMessages} of rank/outdeg along every edge, then
     * PR = (1-d) + d * sum over the vertices): from 1.0, rank at dangling vertices dropped,
     * parallel edges each count.  Rounds are driven from Python, one job each (the round and
     * its L1 change), so NA's stop (L1 change below eps) is checked between rounds.
     * GraphX's {@code PageRank.run} is not called: it rescales the ranks to sum to n.
     */
    public static PageRankRounds pageRankRounds(Dataset<Row> vertices, Dataset<Row> edges, double damping) {
        Dataset<Row> outDegree = edges.groupBy("src").count()
            .withColumnRenamed("src", "s").withColumnRenamed("count", "deg");
        Dataset<Row> weighted = edges.join(outDegree, edges.col("src").equalTo(outDegree.col("s")))
            .select("src", "dst", "deg");
        RDD<Tuple2<Object, Object>> vs = vertices.select("id").javaRDD()
            .map(row -> new Tuple2<Object, Object>(row.getLong(0), 1.0)).rdd();
        RDD<Edge<Object>> es = weighted.javaRDD()
            .map(row -> new Edge<Object>(row.getLong(0), row.getLong(1), 1.0 / row.getLong(2))).rdd();
        Graph<Object, Object> start = Graph.apply(vs, es, 1.0, LEVEL, LEVEL, OBJECT, OBJECT).cache();
        return new PageRankRounds(start, damping);
    }

    /** The state of an NA PageRank run between rounds. */
    public static final class PageRankRounds {
        private final double damping;
        private Graph<Object, Object> ranks;
        private int rounds;

        PageRankRounds(Graph<Object, Object> start, double damping) {
            this.ranks = start;
            this.damping = damping;
        }

        /** One more round; returns its L1 change. */
        public double step(boolean checkpoint) {
            Graph<Object, Object> previous = ranks;
            ranks = round(previous, new SendRank(), new Sum(), TripletFields.Src, new NewRank(damping), checkpoint);
            double delta = compare(ranks, previous, new AbsDiff()).map(t -> (Double) t._2()).fold(0.0, Double::sum);
            previous.unpersistVertices(false);
            rounds++;
            return delta;
        }

        public int rounds() {
            return rounds;
        }

        public Dataset<Row> result(SparkSession spark) {
            return values(spark, ranks, DataTypes.DoubleType);
        }
    }

    private static final class SendRank
            implements Function1<EdgeContext<Object, Object, Object>, BoxedUnit>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(EdgeContext<Object, Object, Object> ctx) {
            ctx.sendToDst((Double) ctx.srcAttr() * (Double) ctx.attr());
            return BoxedUnit.UNIT;
        }
    }

    private static final class Sum implements Function2<Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object a, Object b) {
            return (Double) a + (Double) b;
        }
    }

    private static final class NewRank implements Function3<Object, Object, Option<Object>, Object>, Serializable {
        private static final long serialVersionUID = 1L;
        private final double damping;

        NewRank(double damping) {
            this.damping = damping;
        }

        @Override
        public Object apply(Object id, Object old, Option<Object> sum) {
            return (1.0 - damping) + damping * (sum.isDefined() ? (Double) sum.get() : 0.0);
        }
    }

    private static final class AbsDiff implements Function3<Object, Object, Object, Object>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object id, Object a, Object b) {
            return Math.abs((Double) a - (Double) b);
        }
    }
}
