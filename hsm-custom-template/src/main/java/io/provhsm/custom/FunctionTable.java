package io.provhsm.custom;

/** One table as the library returned it: every function pointer checked non-NULL. */
record FunctionTable(HsmTable table, long[] functions) {

    long function(int index) {
        return functions[index];
    }

    String name(int index) {
        return table.fields().get(index);
    }
}
