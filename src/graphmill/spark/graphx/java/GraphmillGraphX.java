package graphmill.graphx;

import java.io.Serializable;
import java.util.ArrayList;
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
            VertexRDD<Object> sums = previous.aggregateMessages(
                new SendRank(), new Sum(), TripletFields.Src, OBJECT);
            Graph<Object, Object> next = previous.outerJoinVertices(
                sums, new NewRank(damping), OBJECT, OBJECT, null).cache();
            if (checkpoint) {
                next.checkpoint();
            }
            double delta = next.vertices().innerZipJoin(previous.vertices(), new AbsDiff(), OBJECT, OBJECT)
                .toJavaRDD().map(t -> (Double) t._2()).fold(0.0, Double::sum);
            previous.unpersistVertices(false);
            ranks = next;
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
