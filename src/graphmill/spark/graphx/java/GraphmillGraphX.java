package graphmill.graphx;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.EdgeContext;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.TripletFields;
import org.apache.spark.graphx.VertexRDD;
import org.apache.spark.graphx.lib.ConnectedComponents;
import org.apache.spark.graphx.lib.LabelPropagation;
import org.apache.spark.graphx.lib.PageRank;
import org.apache.spark.graphx.lib.ShortestPaths;
import org.apache.spark.graphx.lib.StronglyConnectedComponents;
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
import scala.collection.Map;
import scala.jdk.javaapi.CollectionConverters;
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
        return "1";
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

    /** Weakly connected components: value = the smallest vertex id of the component. */
    public static Dataset<Row> connectedComponents(SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges) {
        Graph<Object, Object> g = graph(vertices, edges);
        return values(spark, ConnectedComponents.run(g, OBJECT, OBJECT), DataTypes.LongType);
    }

    /** Strongly connected components: value = the smallest vertex id of the component. */
    public static Dataset<Row> stronglyConnectedComponents(
            SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges) {
        Graph<Object, Object> g = graph(vertices, edges);
        return values(spark, StronglyConnectedComponents.run(g, Integer.MAX_VALUE, OBJECT, OBJECT),
            DataTypes.LongType);
    }

    /** Triangles through each vertex, direction, parallel edges and self-loops ignored. */
    public static Dataset<Row> triangleCount(SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges) {
        Graph<Object, Object> g = graph(vertices, edges);
        return values(spark, TriangleCount.run(g, OBJECT, OBJECT), DataTypes.IntegerType);
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
     * Hop counts from {@code root} along out-edges (GraphX ShortestPaths on the reversed
     * graph: it counts hops from each vertex to its landmarks); reached vertices only.
     */
    public static Dataset<Row> hopsFrom(SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges, long root) {
        Graph<Object, Object> g = graph(vertices, edges).reverse();
        List<Object> landmarks = new ArrayList<>();
        landmarks.add(root);
        Graph<Map<Object, Object>, Object> result = ShortestPaths.run(
            g, CollectionConverters.asScala(landmarks).toSeq(), OBJECT);
        JavaRDD<Row> rows = result.vertices().toJavaRDD()
            .filter(t -> t._2().contains(root))
            .map(t -> RowFactory.create(t._1(), ((Number) t._2().apply(root)).longValue()));
        return frame(spark, rows, DataTypes.LongType);
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
