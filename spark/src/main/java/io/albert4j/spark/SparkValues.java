package io.albert4j.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;
import java.util.function.Function;

/** Builds output column types and the external values Spark's row encoder accepts for them. */
final class SparkValues {
    private SparkValues() {
    }

    /** A non-null struct field. */
    static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, false);
    }

    /** array&lt;struct&gt; with non-null elements. */
    static DataType arrayOf(StructField... fields) {
        return DataTypes.createArrayType(DataTypes.createStructType(fields), false);
    }

    /** An array value: each element converted to a Row (or any external value of the element type). */
    static <T> Object[] array(List<T> items, Function<T, Object> element) {
        Object[] values = new Object[items.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = element.apply(items.get(i));
        }
        return values;
    }

    static Row struct(Object... values) {
        return RowFactory.create(values);
    }
}
