package io.caresstream.mitigation.classifier;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One yes/no question about a prompt (is it adversarial? is it harmful?), answered by L2-regularised
 * logistic regression (LIBLINEAR) with a threshold on the probability chosen on held-out data.
 */
public final class LinearHead {

    static {
        Linear.disableDebugOutput();
    }

    /** Regularisation: LIBLINEAR's default cost. */
    static final double COST = 1.0;
    private static final double TOLERANCE = 0.01;
    private static final int POSITIVE = 1;

    private final Model model;
    private final double threshold;
    private final int positiveColumn;

    private LinearHead(Model model, double threshold) {
        this.model = model;
        this.threshold = threshold;
        int[] labels = model.getLabels();
        this.positiveColumn = labels[0] == POSITIVE ? 0 : 1;
    }

    /** Trains on the given feature vectors; both answers must occur. */
    public static LinearHead train(String question, List<Feature[]> examples, boolean[] answers, int dimension) {
        int positives = 0;
        for (boolean answer : answers) {
            positives += answer ? 1 : 0;
        }
        if (positives == 0 || positives == answers.length) {
            throw new IllegalArgumentException("cannot learn '" + question + "': the training set has "
                    + (positives == 0 ? "no" : "only") + " positive examples (" + answers.length + " rows)");
        }
        Problem problem = new Problem();
        problem.l = examples.size();
        problem.n = dimension;
        problem.x = examples.toArray(new Feature[0][]);
        problem.y = new double[answers.length];
        for (int i = 0; i < answers.length; i++) {
            problem.y[i] = answers[i] ? POSITIVE : 0;
        }
        problem.bias = -1; // the features carry their own constant at index 1
        return new LinearHead(Linear.train(problem, new Parameter(SolverType.L2R_LR, COST, TOLERANCE)), 0.5);
    }

    public double probability(Feature[] features) {
        double[] probabilities = new double[2];
        Linear.predictProbability(model, features, probabilities);
        return probabilities[positiveColumn];
    }

    public boolean fires(Feature[] features) {
        return probability(features) >= threshold;
    }

    public double threshold() {
        return threshold;
    }

    public LinearHead withThreshold(double newThreshold) {
        return new LinearHead(model, newThreshold);
    }

    /** LIBLINEAR's own text format of the weights. */
    public String modelText() {
        StringWriter text = new StringWriter();
        try {
            Linear.saveModel(text, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    public static LinearHead fromModelText(String text, double threshold) throws IOException {
        return new LinearHead(Linear.loadModel(new StringReader(text)), threshold);
    }
}
