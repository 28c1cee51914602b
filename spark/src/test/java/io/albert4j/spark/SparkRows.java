package io.albert4j.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test DataFrames with an id column, spread over several partitions, and results read back by id. */
final class SparkRows {
    private SparkRows() {
    }

    /**
     * A DataFrame (id int, then one nullable string column per name) holding {@code values} (one
     * array per row, in column order), in {@code partitions} partitions.
     */
    static Dataset<Row> frame(SparkSession spark, List<String> columns, List<String[]> values, int partitions) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("id", DataTypes.IntegerType, false));
        for (String column : columns) {
            fields.add(DataTypes.createStructField(column, DataTypes.StringType, true));
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Object[] row = new Object[columns.size() + 1];
            row[0] = i;
            System.arraycopy(values.get(i), 0, row, 1, columns.size());
            rows.add(RowFactory.create(row));
        }
        return spark.createDataFrame(rows, DataTypes.createStructType(fields)).repartition(partitions);
    }

    /** Single-column texts. */
    static Dataset<Row> texts(SparkSession spark, List<String> texts, int partitions) {
        return frame(spark, List.of("text"), texts.stream().map(t -> new String[] {t}).toList(), partitions);
    }

    /** The collected rows by their id. */
    static Map<Integer, Row> byId(Dataset<Row> frame) {
        Map<Integer, Row> rows = new HashMap<>();
        for (Row row : frame.collectAsList()) {
            rows.put(row.getInt(row.fieldIndex("id")), row);
        }
        return rows;
    }
}
